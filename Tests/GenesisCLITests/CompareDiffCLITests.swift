import Foundation
import Testing

/// `genesis compare --diff`: the answers, then where they differ, word by word.
@Suite("compare --diff")
struct CompareDiffCLITests {
    static let prompt = "Why is the sky blue?"

    static func segments(_ value: Any?) -> [(op: String, text: String)] {
        ((value as? [[String: Any]]) ?? []).map { ($0["op"] as? String ?? "?", $0["text"] as? String ?? "") }
    }

    @Test("the first two answers as a word diff after the answers, marked [-...-]{+...+} when standard output is not a terminal")
    func textDiff() async throws {
        let result = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:balanced", "--temperature", "0", "--diff", Self.prompt])
        #expect(result.status == 0)
        let diff = try #require(result.stdout.range(of: "── diff: sim:fast → sim:balanced · "))
        let after = result.stdout[diff.upperBound...]
        #expect(after.contains("% similar ──\n"))
        #expect(after.contains("[-") && after.contains("-]") && after.contains("{+") && after.contains("+}"))
        #expect(!result.stdout.contains("\u{1B}[")) // no colour into a pipe
        #expect(!result.stdout.contains("against the majority")) // two models: no majority view
    }

    @Test("--json: equal and delete segments spell the first answer, equal and insert the second; similarity from 0 to 1")
    func jsonDiff() async throws {
        let result = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:balanced", "--temperature", "0", "--diff", "--json", Self.prompt])
        let json = try #require(result.json)
        let texts = ((json["results"] as? [[String: Any]]) ?? []).map { $0["text"] as? String ?? "" }
        let diff = try #require(json["diff"] as? [String: Any])
        #expect(diff["a"] as? String == "sim:fast" && diff["b"] as? String == "sim:balanced")
        let similarity = try #require(diff["similarity"] as? Double)
        #expect(similarity > 0 && similarity < 1)
        let segments = Self.segments(diff["segments"])
        #expect(Set(segments.map(\.op)) == ["equal", "delete", "insert"])
        #expect(segments.filter { $0.op != "insert" }.map(\.text).joined() == texts[0])
        #expect(segments.filter { $0.op != "delete" }.map(\.text).joined() == texts[1])
        #expect(json["majority"] is NSNull)
    }

    @Test("the same answer twice is 100% similar, one equal segment")
    func identical() async throws {
        let result = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:fast", "--temperature", "0", "--diff", "--json", Self.prompt])
        let diff = try #require(result.json?["diff"] as? [String: Any])
        #expect(diff["similarity"] as? Double == 1)
        #expect(Self.segments(diff["segments"]).map(\.op) == ["equal"])
        let text = try await CLI.run(["compare", "-m", "sim:fast", "-m", "sim:fast", "--temperature", "0", "--diff", Self.prompt])
        #expect(text.stdout.contains("── diff: sim:fast → sim:fast · 100% similar ──"))
    }

    @Test("with three models, each answer against the majority: its segments spell it, the words of a minority are inserts")
    func majority() async throws {
        let models = ["sim:fast", "sim:balanced", "sim:deep"]
        let result = try await CLI.run(["compare"] + models.flatMap { ["-m", $0] } + ["--temperature", "0", "--diff", "--json", Self.prompt])
        let json = try #require(result.json)
        let texts = ((json["results"] as? [[String: Any]]) ?? []).map { $0["text"] as? String ?? "" }
        let majority = try #require(json["majority"] as? [[String: Any]])
        #expect(majority.map { $0["model"] as? String } == models)
        for (answer, text) in zip(majority, texts) {
            let segments = Self.segments(answer["segments"])
            #expect(segments.map(\.text).joined() == text)
            #expect(Set(segments.map(\.op)).isSubset(of: ["equal", "insert"]))
            let agreement = try #require(answer["agreement"] as? Double)
            #expect((0...1).contains(agreement))
        }
        let text = try await CLI.run(["compare"] + models.flatMap { ["-m", $0] } + ["--temperature", "0", "--diff", Self.prompt])
        for model in models { #expect(text.stdout.contains("── \(model) against the majority · ")) }
    }

    @Test("fewer than two answers: the diff says so, and --json has a null diff")
    func tooFewAnswers() async throws {
        let result = try await CLI.run(["compare", "-m", "sim:fast", "-m", "nosuch:model", "--diff", "--json", Self.prompt])
        #expect(result.json?["diff"] is NSNull)
        let text = try await CLI.run(["compare", "-m", "sim:fast", "-m", "nosuch:model", "--diff", Self.prompt])
        #expect(text.stdout.contains("── diff: fewer than two models answered ──"))
    }
}
