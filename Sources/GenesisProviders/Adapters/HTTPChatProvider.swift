import Foundation
import GenesisEngine
import Logging
import NIOCore
import NIOHTTP1

/// A provider that speaks a ``ChatWireFormat`` over HTTP: keys, requests, status handling,
/// stream framing and transport failures, the same for every wire format.
///
/// It never retries on its own (the engine does), except to resend a request once with a
/// parameter spelt the way the model demands.
struct HTTPChatProvider<Format: ChatWireFormat>: Provider, PooledConnections {
    /// The connection closes at the attempt's deadline, so the engine needs no watchdog task.
    var enforcesDeadline: Bool { true }
    let name: String
    let format: Format
    let keys: APIKeyRing
    let connectTimeout: Duration
    let idleTimeout: Duration
    let logger: Logger
    /// This provider's kept-alive connections: they live and die with the provider (a registry
    /// of its own never shares a connection with another; OpenAI's two APIs share theirs).
    var pool = ConnectionPool()
    var connections: ConnectionPool { pool }
    /// Headers, the key's header and query parameters the configuration adds to every request.
    var gateway = GatewaySettings()

    func initialize() async throws {
        if format.requiresKey, keys.isEmpty {
            throw ProviderError(.authentication, provider: name, model: "*", message:
                "no API key: set \(format.keyVariables.joined(separator: " or ")) (or api_key_env in [providers.\(name)]), or add key = \"...\" under [\(name)] in keys.toml (chmod 600)",
                isRetryable: false)
        }
    }

    func generate(_ request: ProviderRequest) async throws -> ProviderResponse {
        do { return try await generateUnredacted(request) } catch { throw redacted(error) }
    }

    private func generateUnredacted(_ request: ProviderRequest) async throws -> ProviderResponse {
        let (response, spec) = try await send(request, stream: false)
        let body = try await collect(response, model: request.model)
        guard let json = JSONValue.parse(body) else {
            throw ProviderError(.server, provider: name, model: request.model, status: response.status,
                                message: "the response is not JSON: \(HTTPErrorDetails(status: 200, headers: response.headers, body: body).excerpt)")
        }
        var answer = try format.parseResponse(json, model: request.model)
        answer.rateLimits = format.rateLimits(from: response.headers)
        answer.notices = spec.notes
        if let before = StopSequenceCutter.cut(answer.text, at: unsentStopSequences(request, sent: spec)) {
            answer.text = before
            answer.finishReason = .stop
            answer.rawFinishReason = "stop"
        }
        return answer
    }

    func stream(_ request: ProviderRequest) async throws -> ProviderStream {
        let (response, spec) = try await send(request, stream: true)
        let url = spec.url
        request.attempt.readsStream(on: response.eventLoop.flatMap(EventLoopExecutor.of))
        let reader = StreamReader(body: response.body, decoder: StreamDecoder(format, model: request.model),
                                  first: spec.notes.map(ProviderEvent.notice) + (format.rateLimits(from: response.headers).map { [.rateLimits($0)] } ?? []),
                                  provider: name, model: request.model)
        // Decoded as the engine asks, in its task; dropping the stream drops the body, which hangs up.
        let next: @Sendable () async throws -> ProviderEvent? = { [self] in
            do { return try await reader.next() } catch {
                throw redacted(TransportFailure.map(error, provider: name, model: request.model, url: url, phase: .streaming,
                                                    connectTimeout: connectTimeout, idleTimeout: idleTimeout))
            }
        }
        let stops = unsentStopSequences(request, sent: spec)
        guard !stops.isEmpty else { return ProviderStream(unfolding: next) }
        let cut = StoppingEvents(cutter: StopSequenceCutter(stops: stops))
        return ProviderStream(unfolding: { try await cut.next(from: next) })
    }

    func embed(_ request: EmbeddingRequest) async throws -> Embeddings {
        let key = keys.next()
        guard let spec = format.embeddingsRequest(request, key: key?.value) else {
            throw InvalidRequestError.noEmbeddings(provider: name, model: request.model)
        }
        do {
            let response = try await execute(spec, model: request.model)
            if !(200..<300).contains(response.status) { // a refused or limited key is set aside as a chat request's is
                let body = try await collectError(response)
                throw failure(HTTPErrorDetails(status: response.status, headers: response.headers, body: body), model: request.model, key: key)
            }
            let body = try await collect(response, model: request.model)
            guard let json = JSONValue.parse(body), let embeddings = format.parseEmbeddings(json), embeddings.vectors.count == request.texts.count else {
                throw ProviderError(.server, provider: name, model: request.model, status: response.status,
                                    message: "the embeddings response does not hold one vector a text (\(request.texts.count) asked)")
            }
            return embeddings
        } catch {
            throw redacted(error)
        }
    }

    func listModels() async throws -> [ModelInfo] {
        var models: [ModelInfo] = [], token: String?, pages = 0, seenTokens = Set<String>()
        repeat {
            let spec = format.modelsRequest(key: keys.next()?.value, pageToken: token)
            let response = try await execute(spec, model: "*")
            let body = try await collect(response, model: "*")
            guard let json = JSONValue.parse(body) else {
                throw ProviderError(.server, provider: name, model: "*", status: response.status, message: "the model list is not JSON")
            }
            let page = format.parseModels(json)
            models += page.models.filter { model in !models.contains { $0.id == model.id } }
            // A server that ignores the token would send the same page forever.
            token = page.nextPageToken.flatMap { seenTokens.insert($0).inserted ? $0 : nil }
            pages += 1
        } while token != nil && pages < 50
        return models
    }

    func health() async -> HealthReport {
        let start = ContinuousClock.now
        guard let probe = format.healthRequest() else {
            do {
                _ = try await listModels()
                return HealthReport(state: .ok, latency: ContinuousClock.now - start)
            } catch let failure as any GenesisError where [404, 405].contains(failure.status ?? 0) {
                // The server answered, but has no model list here (a gateway, an Azure deployment).
                return HealthReport(state: .unknown, latency: ContinuousClock.now - start,
                                    message: "no model list to check (HTTP \(failure.status ?? 0)); its first answer will tell")
            } catch {
                return HealthReport(state: .down, latency: ContinuousClock.now - start, message: "\(error)")
            }
        }
        do {
            let response = try await execute(probe, model: "*")
            let body = try await collectError(response)
            let json = JSONValue.parse(body)
            let elapsed = ContinuousClock.now - start
            switch response.status {
            case 200..<300: return HealthReport(state: .ok, latency: elapsed, message: json?["status"]?.string)
            case 503: return HealthReport(state: .degraded, latency: elapsed, message: json?["error"]?["message"]?.string ?? json?["status"]?.string ?? "loading")
            default: return HealthReport(state: .down, latency: elapsed, message: "HTTP \(response.status)")
            }
        } catch {
            return HealthReport(state: .down, latency: ContinuousClock.now - start, message: "\(error)")
        }
    }

    /// The stop sequences Genesis applies to the answer itself: those the format does not send,
    /// or every one when the provider refused the setting.
    private func unsentStopSequences(_ request: ProviderRequest, sent spec: HTTPRequestSpec) -> [String] {
        spec.refused.contains(where: ["stop", "stop_sequences", "stopSequences"].contains) ? request.parameters.stopSequences
            : format.unsentStopSequences(request)
    }

    // MARK: I/O

    /// Sends a chat request; a non-2xx answer becomes the format's error (after up to three
    /// resends when the format asks for them: a model may refuse one setting after another).
    private func send(_ request: ProviderRequest, stream: Bool) async throws -> (HTTPStreamingResponse, HTTPRequestSpec) {
        let key = keys.next()
        if let key { request.attempt.usedKey(key.id) }
        var spec = try format.chatRequest(request, stream: stream, key: key?.value)
        var resends = 0
        while true {
            let response = try await execute(spec, model: request.model, attempt: request.attempt)
            if (200..<300).contains(response.status) { return (response, spec) }
            let body = try await collectError(response)
            let details = HTTPErrorDetails(status: response.status, headers: response.headers, body: body)
            if resends < 3, let retry = format.retryRequest(after: details, original: spec) {
                spec = retry
                resends += 1
                continue
            }
            throw failure(details, model: request.model, key: key)
        }
    }

    /// Sends `spec`; a chat request keeps its attempt's deadline and read pacing.
    private func execute(_ spec: HTTPRequestSpec, model: String, attempt: AttemptContext? = nil) async throws -> HTTPStreamingResponse {
        let spec = gateway.applied(to: spec)
        do {
            return try await HTTPStreamingCall.send(spec, connectTimeout: connectTimeout, idleTimeout: idleTimeout,
                                                    deadline: attempt?.deadline, pool: pool, readPacing: attempt?.readPacing)
        } catch {
            throw TransportFailure.map(error, provider: name, model: model, url: spec.url, phase: .connecting,
                                       connectTimeout: connectTimeout, idleTimeout: idleTimeout)
        }
    }

    /// A successful body, whole (non-streamed answers and model lists).
    private func collect(_ response: HTTPStreamingResponse, model: String) async throws -> [UInt8] {
        if !(200..<300).contains(response.status) {
            let body = try await collectError(response)
            throw failure(HTTPErrorDetails(status: response.status, headers: response.headers, body: body), model: model, key: nil)
        }
        do {
            return try await response.collect(upTo: 64 << 20)
        } catch {
            throw TransportFailure.map(error, provider: name, model: model, url: "", phase: .streaming,
                                       connectTimeout: connectTimeout, idleTimeout: idleTimeout)
        }
    }

    private func collectError(_ response: HTTPStreamingResponse) async throws -> [UInt8] {
        (try? await response.collect(upTo: 1 << 20)) ?? []
    }

    /// The format's error, with keys rotated and redacted.
    private func failure(_ details: HTTPErrorDetails, model: String, key: APIKeyRing.Key?) -> any Error {
        var error = format.error(from: details, model: model)
        if let key {
            if error.category == .authentication {
                keys.reject(key)
                if keys.hasAlternative(to: key), var providerError = error as? ProviderError {
                    providerError.message += " (key \(key.masked) from \(key.source) set aside; the next attempt uses another key)"
                    providerError.isRetryable = true
                    error = providerError
                }
            } else if let limited = error as? RateLimitError {
                keys.rest(key, for: limited.retryAfter ?? .seconds(10))
            }
        }
        return redacted(error)
    }

    private func redacted(_ error: any Error) -> any Error {
        guard let known = error as? any GenesisError else { return error }
        return HeldKeys(keys.secrets).redact(known)
    }
}
