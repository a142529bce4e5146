import Foundation
import GenesisEngine
@testable import GenesisProviders
import GenesisTestSupport
import Testing

/// The embeddings APIs, against fake servers speaking each provider's documented shape: OpenAI's
/// `POST /v1/embeddings`, Gemini's `:batchEmbedContents`, Ollama's `POST /api/embed`.
@Suite("Embeddings: one vector a text, from each provider's embeddings API")
struct EmbeddingTests {
    static func serve(_ body: String, status: Int = 200) async throws -> FakeServer {
        try await FakeServer { _ in FakeServer.Response(status: status, headers: [("content-type", "application/json")], chunks: [Array(body.utf8)]) }
    }

    @Test("OpenAI: the texts go as input with the model; vectors come back in the texts' order by index, with the tokens read")
    func openAI() async throws {
        let server = try await Self.serve("""
            {"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.0,1.0]},{"object":"embedding","index":0,"embedding":[1.0,0.5]}],
             "model":"text-embedding-3-small","usage":{"prompt_tokens":4,"total_tokens":4}}
            """)
        defer { Task { await server.shutdown() } }
        let answer = try await TestAdapters.provider("openai", baseURL: server.baseURL)
            .embed(EmbeddingRequest(model: "text-embedding-3-small", texts: ["first", "second"]))
        #expect(answer.vectors == [[1.0, 0.5], [0.0, 1.0]] && answer.inputTokens == 4)
        let sent = try #require(server.requests.first)
        #expect(sent.method == "POST" && sent.uri == "/v1/embeddings")
        #expect(sent.header("authorization") == "Bearer \(TestAdapters.key)")
        #expect(sent.json?["model"]?.string == "text-embedding-3-small")
        #expect(sent.json?["input"]?.array?.compactMap(\.string) == ["first", "second"])
        #expect(sent.json?["encoding_format"]?.string == "float")
    }

    @Test("Gemini: one request a text to batchEmbedContents, values in the same order, the key in its header; no token count")
    func gemini() async throws {
        let server = try await Self.serve(#"{"embeddings":[{"values":[0.25,0.5]},{"values":[0.75,1.0]}]}"#)
        defer { Task { await server.shutdown() } }
        let answer = try await TestAdapters.provider("gemini", baseURL: server.baseURL)
            .embed(EmbeddingRequest(model: "gemini-embedding-001", texts: ["a", "b"]))
        #expect(answer.vectors == [[0.25, 0.5], [0.75, 1.0]] && answer.inputTokens == nil)
        let sent = try #require(server.requests.first)
        #expect(sent.uri == "/v1beta/models/gemini-embedding-001:batchEmbedContents")
        #expect(sent.header("x-goog-api-key") == TestAdapters.key)
        let requests = try #require(sent.json?["requests"]?.array)
        #expect(requests.map { $0["model"]?.string } == ["models/gemini-embedding-001", "models/gemini-embedding-001"])
        #expect(requests.map { $0["content"]?["parts"]?.array?.first?["text"]?.string } == ["a", "b"])
    }

    @Test("Ollama: the texts go as input to /api/embed; prompt_eval_count is the tokens read")
    func ollama() async throws {
        let server = try await Self.serve(#"{"model":"nomic-embed-text","embeddings":[[0.1,0.2,0.3]],"total_duration":14143917,"load_duration":1019500,"prompt_eval_count":8}"#)
        defer { Task { await server.shutdown() } }
        let answer = try await TestAdapters.provider("ollama", baseURL: server.baseURL)
            .embed(EmbeddingRequest(model: "nomic-embed-text", texts: ["why is the sky blue?"]))
        #expect(answer.vectors == [[0.1, 0.2, 0.3]] && answer.inputTokens == 8)
        let sent = try #require(server.requests.first)
        #expect(sent.uri == "/api/embed" && sent.json?["model"]?.string == "nomic-embed-text")
        #expect(sent.json?["input"]?.array?.compactMap(\.string) == ["why is the sky blue?"])
    }

    @Test("a refusal names the provider and its status; a response without one vector a text is a server error; Anthropic has no embeddings API")
    func failures() async throws {
        let refused = try await Self.serve(#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#, status: 401)
        defer { Task { await refused.shutdown() } }
        do {
            _ = try await TestAdapters.provider("openai", baseURL: refused.baseURL).embed(EmbeddingRequest(model: "text-embedding-3-small", texts: ["x"]))
            Issue.record("no error")
        } catch let error as any GenesisError {
            #expect(error.category == .authentication && error.provider == "openai")
        }
        let short = try await Self.serve(#"{"embeddings":[[0.1]]}"#)
        defer { Task { await short.shutdown() } }
        do {
            _ = try await TestAdapters.provider("ollama", baseURL: short.baseURL).embed(EmbeddingRequest(model: "m", texts: ["x", "y"]))
            Issue.record("no error")
        } catch let error as any GenesisError {
            #expect(error.category == .server && "\(error)".contains("one vector a text (2 asked)"))
        }
        do {
            _ = try await TestAdapters.provider("anthropic", baseURL: short.baseURL).embed(EmbeddingRequest(model: "claude", texts: ["x"]))
            Issue.record("no error")
        } catch let error as any GenesisError {
            #expect(error.category == .invalidRequest && "\(error)".contains("has no embeddings API"))
        }
    }

    @Test("the simulated embedding model: texts that share words point alike, deterministically")
    func simulated() async throws {
        let sim = SimulatedProvider(speed: 0)
        let vectors = try await sim.embed(EmbeddingRequest(model: "embed", texts: ["the cat sat on the mat", "the cat sat", "stock prices fell"])).vectors
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 256 })
        #expect(VectorSimilarity.cosine(vectors[0], vectors[1]) > VectorSimilarity.cosine(vectors[0], vectors[2]))
        #expect(try await sim.embed(EmbeddingRequest(model: "embed", texts: ["the cat sat"])).vectors == [vectors[1]])
        await #expect(throws: ModelNotFoundError.self) { try await sim.embed(EmbeddingRequest(model: "fast", texts: ["x"])) }
    }
}
