import Foundation
import GenesisEngine
import GenesisEvaluation

/// `compare --diff`: the first two answers as a word diff, and with more answers each against
/// the majority. On a terminal the words only in one answer are coloured (red: only in the
/// first, green: only in the second or in a minority); elsewhere, or with NO_COLOR, they are
/// marked `[-...-]` and `{+...+}` as `git diff --word-diff` does.
struct CompareDiff {
    var answers: [(model: ModelID, text: String)]

    var pair: WordDiff? { answers.count >= 2 ? WordDiff(answers[0].text, answers[1].text) : nil }
    var majority: MajorityDiff? { answers.count > 2 ? MajorityDiff(answers.map(\.text)) : nil }

    /// `{"a", "b", "similarity", "segments"}`, or null with fewer than two answers.
    func json(pair: WordDiff?) -> JSONValue {
        guard let pair else { return .null }
        return ["a": .string(answers[0].model.description), "b": .string(answers[1].model.description),
                "similarity": .number(Self.rounded(pair.similarity)), "segments": Self.json(pair.segments)]
    }

    /// `[{"model", "agreement", "segments"}]`, one per answer, or null with fewer than three.
    func json(majority: MajorityDiff?) -> JSONValue {
        guard let majority else { return .null }
        return .array(zip(answers, majority.answers).map { answer, marked in
            ["model": .string(answer.model.description), "agreement": .number(Self.rounded(marked.agreement)),
             "segments": Self.json(marked.segments)]
        })
    }

    static func json(_ segments: [WordDiff.Segment]) -> JSONValue {
        .array(segments.map { ["op": .string($0.operation.rawValue), "text": .string($0.text)] })
    }

    static func rounded(_ fraction: Double) -> Double { (fraction * 10_000).rounded() / 10_000 }

    /// The text written after the answers.
    func text(colour: Bool, sanitizer: Sanitizer) -> String {
        guard let pair else { return "── diff: fewer than two models answered ──\n" }
        var out = "── diff: \(answers[0].model) → \(answers[1].model) · \(Self.percent(pair.similarity)) similar ──\n"
        out += Self.render(pair.segments, colour: colour, sanitizer: sanitizer) + "\n"
        if let majority {
            for (answer, marked) in zip(answers, majority.answers) {
                out += "\n── \(answer.model) against the majority · \(Self.percent(marked.agreement)) agreed ──\n"
                out += Self.render(marked.segments, colour: colour, sanitizer: sanitizer) + "\n"
            }
        }
        return out
    }

    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded()))%" }

    /// Each segment's text is cleaned on its own (Genesis's colours are added after), so a
    /// model's escape sequences never reach the terminal and ours are never removed.
    static func render(_ segments: [WordDiff.Segment], colour: Bool, sanitizer: Sanitizer) -> String {
        var sanitizer = sanitizer
        var out = ""
        for segment in segments {
            let text = sanitizer.clean(segment.text)
            switch (segment.operation, colour) {
            case (.equal, _): out += text
            case (.delete, true): out += "\u{1B}[31m" + text + "\u{1B}[39m"
            case (.insert, true): out += "\u{1B}[32m" + text + "\u{1B}[39m"
            case (.delete, false): out += "[-" + text + "-]"
            case (.insert, false): out += "{+" + text + "+}"
            }
        }
        if !out.hasSuffix("\n") { return out }
        return String(out.dropLast())
    }
}
