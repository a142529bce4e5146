import Foundation
import GenesisEngine
import GenesisProviders
import Testing

/// `genesis deploy --start-local/--stop-local` with a stand-in for llama.cpp's llama-server: a
/// small Python HTTP server that loads for half a second (503 on /health), then answers.
@Suite("Local llama.cpp servers")
struct LocalServerCLITests {
    static let hasPython = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }

    static let fakeServer = #"""
        #!/usr/bin/env python3
        import json, sys, time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        args = sys.argv[1:]
        port = int(args[args.index("--port") + 1])
        model = args[args.index("--model") + 1].split("/")[-1].removesuffix(".gguf")
        started = time.time()
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def send(self, status, body, kind="application/json"):
                data = body.encode()
                self.send_response(status); self.send_header("content-type", kind); self.send_header("content-length", str(len(data)))
                self.end_headers(); self.wfile.write(data)
            def do_GET(self):
                if self.path == "/health":
                    if time.time() - started < 0.5: self.send(503, '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}')
                    else: self.send(200, '{"status":"ok"}')
                elif self.path == "/v1/models": self.send(200, json.dumps({"object": "list", "data": [{"id": model, "object": "model"}]}))
                else: self.send(404, '{"error":{"message":"not found"}}')
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                text = "Hello from " + model
                usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
                if body.get("stream"):
                    events = [{"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]},
                              {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}, {"choices": [], "usage": usage}]
                    self.send(200, "".join("data: " + json.dumps(e) + "\n\n" for e in events) + "data: [DONE]\n\n", "text/event-stream")
                else:
                    self.send(200, json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}], "usage": usage}))
        ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
        """#

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test(.enabled(if: hasPython, "python3 stands in for llama-server"))
    func startAskDeployAndStop() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-local-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let binary = directory.appendingPathComponent("llama-server").path
        _ = FileManager.default.createFile(atPath: binary, contents: Data(Self.fakeServer.utf8), attributes: [.posixPermissions: 0o755])
        let model = directory.appendingPathComponent("tiny-llama.Q4_K_M.gguf").path
        _ = FileManager.default.createFile(atPath: model, contents: Data("GGUF".utf8))
        let port = Self.freePort()
        var setup = try StorageCLITests.environment(config: """
            [local.tiny]
            binary = "\(binary)"
            model_file = "\(model)"
            port = \(port)
            startup_timeout_s = 60
            """)
        setup["GENESIS_DISCOVER_LOCAL"] = "0"
        let env = setup

        let started = try await CLI.run(["deploy", "--start-local", "tiny", "--env", "development"], environment: env)
        defer { Task { _ = try? await CLI.run(["deploy", "--stop-local", "tiny"], environment: env) } }
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("the local server tiny is up at http://127.0.0.1:\(port)") && started.stdout.contains("development now serves tiny:tiny-llama.Q4_K_M"))
        let again = try await CLI.run(["deploy", "--start-local", "tiny"], environment: env)
        #expect(again.status == 8 && again.stderr.contains("running already"))

        let answer = try #require(try await CLI.run(["ask", "--env", "development", "--json", "hi"], environment: env).json)
        #expect(answer["text"] as? String == "Hello from tiny-llama.Q4_K_M" && answer["provider"] as? String == "tiny")
        #expect(try await CLI.run(["deployments"], environment: env).stdout.contains("local server tiny (http://127.0.0.1:\(port), tiny-llama.Q4_K_M): running"))

        let stopped = try await CLI.run(["deploy", "--stop-local", "tiny"], environment: env)
        #expect(stopped.stdout == "stopped the local server tiny\n")
        #expect(try await CLI.run(["deployments"], environment: env).stdout.contains("tiny-llama.Q4_K_M): stopped"))
        let down = try await CLI.run(["ask", "-m", "tiny:tiny-llama.Q4_K_M", "--retries", "0", "hi"], environment: env)
        #expect(down.status == 7 && down.stderr.contains("connection refused"))
    }

    @Test("from Swift, the orchestrator starts the server, registers it, deploys it and stops it", .enabled(if: hasPython, "python3 stands in for llama-server"))
    func orchestratorStartsRegistersDeploysAndStops() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-local-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let binary = directory.appendingPathComponent("llama-server").path
        _ = FileManager.default.createFile(atPath: binary, contents: Data(Self.fakeServer.utf8), attributes: [.posixPermissions: 0o755])
        let model = directory.appendingPathComponent("qwen-0.5b.gguf").path
        _ = FileManager.default.createFile(atPath: model, contents: Data("GGUF".utf8))
        let settings = LocalServerSettings(name: "qwen", binary: binary, modelFile: model, port: Self.freePort(), startupTimeout: .seconds(60))
        let processEnvironment = ["XDG_STATE_HOME": directory.path, "HOME": directory.path]

        let registry = ModelRegistry(factory: ProviderAdapters.factory, environment: [:])
        let orchestrator = DeploymentOrchestrator()
        let local = try await orchestrator.startLocalServer(settings, registry: registry, environment: "development",
                                                            parameters: GenerationParameters(maxTokens: 16), processEnvironment: processEnvironment)
        defer { Task { await orchestrator.stopLocalServer(named: "qwen", processEnvironment: processEnvironment) } }
        #expect(local.deployment?.label == "qwen:qwen-0.5b" && local.server.baseURL == settings.baseURL)
        #expect(registry.providerNames.contains("qwen"))
        #expect(LocalServers.runningPID("qwen", environment: processEnvironment) == local.server.pid)

        let deployment = try await orchestrator.resolve(environment: "development")
        let answer = try await registry.generate(GenerationRequest(model: deployment.model, prompt: "hi", parameters: deployment.parameters),
                                                 options: deployment.requestOptions())
        #expect(answer.text == "Hello from qwen-0.5b")

        #expect(await orchestrator.stopLocalServer(named: "qwen", processEnvironment: processEnvironment))
        #expect(LocalServers.runningPID("qwen", environment: processEnvironment) == nil)
        #expect(await orchestrator.stopLocalServer(named: "qwen", processEnvironment: processEnvironment) == false)
    }

    @Test("a missing binary or model file names the key to fix")
    func misconfigured() async throws {
        let env = try StorageCLITests.environment(config: """
            [local.ghost]
            binary = "/nonexistent/llama-server"
            model_file = "/nonexistent/model.gguf"
            port = 18081
            """)
        let result = try await CLI.run(["deploy", "--start-local", "ghost"], environment: env)
        #expect(result.status == 2 && result.stderr.contains("local.ghost.binary") && result.stderr.contains("not an executable file"))
        let unknown = try await CLI.run(["deploy", "--start-local", "nope"], environment: env)
        #expect(unknown.status == 2 && unknown.stderr.contains("configured: ghost"))
    }

    @Test("a pid file whose process is now another program is not the server: stopping leaves that program alone")
    func aReusedPIDIsNotStopped() async throws {
        let env = try StorageCLITests.environment(config: """
            [local.tiny]
            binary = "/opt/llama.cpp/llama-server"
            model_file = "/models/tiny.gguf"
            port = 18082
            """)
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: "/bin/sleep")
        bystander.arguments = ["30"]
        try bystander.run()
        defer { bystander.terminate() }
        let state = env["XDG_STATE_HOME"]! + "/genesis"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try "\(bystander.processIdentifier)\n/opt/llama.cpp/llama-server\n".write(toFile: state + "/local-tiny.pid", atomically: true, encoding: .utf8)

        let result = try await CLI.run(["deploy", "--stop-local", "tiny"], environment: env)
        #expect(result.stdout == "the local server tiny was not running\n")
        #expect(bystander.isRunning)
    }
}
