import GenesisEngine
@testable import GenesisEvaluation
import Testing

/// `similar` and `answer-relevance` with an embedding model, as promptfoo names them: `similar`'s
/// own `provider`, or `{text, embedding}` on an assertion or in `options.provider`.
@Suite("Assertions with an embedding model")
struct EmbeddingAssertionTests {
    @Test("similar with an embedding model compares vectors; without one, words")
    func similar() async throws {
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            tests:
              - description: close
                assert: [{type: similar, value: the cat sat on a mat, threshold: 0.6, provider: sim:embed}]
              - description: far
                assert: [{type: similar, value: stock prices fell sharply, threshold: 0.6, provider: sim:embed}]
              - description: offline
                assert: [{type: similar, value: the cat sat on a mat, threshold: 0.3}]
            """)
        #expect(suite.tests.map { $0.assertions[0].embeddingProvider?.description } == ["sim:embed", "sim:embed", nil])
        let registry = try await SuiteFixtures.registry(answering: "the cat sat on the mat")
        let report = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"])
        let runs = report.models[0].cases.map { $0.runs[0].assertions[0] }
        #expect(runs.map(\.passed) == [true, false, true])
        #expect(runs[0].reason.hasPrefix("sim:embed similarity") && !runs[2].reason.contains("sim:embed"))
    }

    @Test("promptfoo's embedding ids name the embedding model; {text, embedding} names the grader and it apart")
    func ids() throws {
        let suite = try SuiteLoader.parse("""
            prompts: [hi]
            defaultTest:
              options:
                provider: {text: sim:fast, embedding: openai:embedding:text-embedding-3-small}
            tests:
              - vars: {query: why is the sky blue}
                assert:
                  - type: answer-relevance
                  - {type: similar, value: blue, provider: {embedding: {id: 'ollama:embeddings:nomic-embed-text'}}}
            """)
        #expect(suite.grader?.model == "sim:fast")
        #expect(suite.tests[0].assertions.map { $0.embeddingProvider?.description } == ["openai:text-embedding-3-small", "ollama:nomic-embed-text"])
        #expect(SuiteFixtures.refusal("prompts: [hi]\nproviders: [openai:embedding:text-embedding-3-small]\n")?.message.contains("embedding models") == true,
                "an embedding model cannot be evaluated as a chat model")
    }

    @Test("answer-relevance compares the grader's questions with the query by the embedding model, and says which it used")
    func answerRelevance() async throws {
        let suite = try SuiteLoader.parse("""
            prompts: ['{{query}}']
            defaultTest:
              options:
                provider: {text: sim:fast, embedding: sim:embed}
            tests:
              - vars: {query: Why is the sky blue?}
                assert: [{type: answer-relevance, threshold: 0.1}]
            """)
        let registry = try await SuiteFixtures.registry(answering: "The sky is blue because air scatters blue light more than red light.")
        let result = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"]).models[0].cases[0].runs[0].assertions[0]
        #expect(!result.isError, "\(result.reason)")
        #expect(result.reason.contains("sim:embed embedding similarity"), "\(result.reason)")
    }

    @Test("an embedding model that fails makes the check an error, which not- cannot turn into a pass")
    func failure() async throws {
        let suite = try SuiteLoader.parse("prompts: [hi]\ntests:\n  - assert: [{type: not-similar, value: x, provider: sim:fast}]\n")
        let registry = try await SuiteFixtures.registry(answering: "x")
        let result = await ModelEvaluator(registry: registry).run(suite, models: ["fixed:answer"]).models[0].cases[0].runs[0].assertions[0]
        #expect(result.isError && !result.passed && result.reason.contains("the embedding model sim:fast failed"), "\(result.reason)")
    }
}
