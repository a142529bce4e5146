import Foundation

/// tinyproxy, the real HTTP proxy from Debian's packages, on a loopback port for one test: it
/// forwards plain http requests and tunnels https ones (CONNECT), optionally asking for
/// credentials, and logs each request.
public final class TinyProxy: @unchecked Sendable { // the Process is only started, read and stopped
    public let port: Int
    public let log: String
    private let process: Process

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tinyproxy") }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// What the proxy logged so far.
    public var logged: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Starts tinyproxy; with `user` and `password` it asks for them (Basic, 407 without).
    public init(user: String? = nil, password: String? = nil) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-proxy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        log = directory.appendingPathComponent("tinyproxy.log").path
        var config = "Port \(port)\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nLogLevel Connect\nLogFile \"\(log)\"\nMaxClients 20\n"
        if let user, let password { config += "BasicAuth \(user) \(password)\n" }
        let file = directory.appendingPathComponent("tinyproxy.conf").path
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tinyproxy")
        process.arguments = ["-d", "-c", file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once it accepts connections.
        for _ in 0..<200 {
            if Self.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        process.terminate()
        throw NSError(domain: "tinyproxy", code: 1, userInfo: [NSLocalizedDescriptionKey: "tinyproxy did not start on port \(port)"])
    }

    /// Kills it at once: tinyproxy waits for open tunnels before it exits on SIGTERM, and a
    /// client keeps its connections.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    deinit { stop() }

    /// A port nothing listens on now (the kernel picks it for a socket bound to port 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw NSError(domain: "socket", code: Int(errno)) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
