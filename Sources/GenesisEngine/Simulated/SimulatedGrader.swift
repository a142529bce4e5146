import Foundation

/// How the simulated provider answers a grading prompt: deterministically, from the words of
/// the rubric (criterion, expert answer, context, question) and of the graded output, in the
/// exact verdict format the prompt asks for, each reason starting "simulated grader:".
///
/// It recognises prompts by the layout promptfoo's grading prompts have (and Genesis' own,
/// which keep it): `<Output>`/`<Rubric>` (llm-rubric), `[Submission]` with `[Criterion]`
/// (closed QA, a Y/N line) or `[Expert]` (factuality, a category A to E), a JSON `"steps"` or
/// `"score"` request (G-Eval), `[Attributed]` (context recall), "candidate sentences"
/// (context relevance), "statements" (faithfulness, both steps), "Question:" after an answer
/// (answer relevance), `<Text index=…>` (select-best), and the comparison judge's
/// `{"winner": …}`. Anything else is not a grading prompt and gets the usual simulated answer.
///
/// The rule, everywhere: a rubric's content words (three letters or more, not stop words) are
/// looked for in the output, a word matching one that shares its first five letters; the
/// share found is the score, and a rubric that says "not", "no", "never", "without" or
/// "avoid" is met when under half of its other words are found.
enum SimulatedGrader {
    static func answer(system: String, prompt: String) -> String? {
        let text = system.isEmpty ? prompt : system + "\n" + prompt
        if text.contains("{\"winner\": \"A\""), let a = section(text, "[Answer A]", "[End of answer A]"),
           let b = section(text, "[Answer B]", "[End of answer B]") {
            let question = section(text, "[Question]", "[Answer A]") ?? ""
            let (sa, sb) = (coverage(question, in: a).share, coverage(question, in: b).share)
            let winner = abs(sa - sb) < 0.001 ? "tie" : sa > sb ? "A" : "B"
            return json(["winner": .string(winner), "reason": .string("simulated grader: answer A has \(percent(sa)) of the question's words, answer B \(percent(sb))")])
        }
        if let output = section(text, "<Output>", "</Output>"), let rubric = section(text, "<Rubric>", "</Rubric>") {
            let verdict = grade(rubric, output)
            return "{\"reason\": \(quoted(verdict.reason)), \"pass\": \(verdict.pass), \"score\": \(format(verdict.score))}"
        }
        if let submission = field(text, "[Submission]:") {
            if let criterion = field(text, "[Criterion]:") {
                let verdict = grade(criterion, submission)
                let letter = verdict.pass ? "Y" : "N"
                return "\(verdict.reason).\n\(letter)\n\(letter)"
            }
            if let expert = field(text, "[Expert]:") {
                let covered = coverage(expert, in: submission).share, extra = coverage(submission, in: expert).share
                let category = covered >= 0.999 && extra >= 0.999 ? "C" : covered >= 0.999 ? "B" : covered >= 0.5 ? (extra >= 0.999 ? "A" : "E") : "D"
                return json(["category": .string(category), "reason": .string("simulated grader: the submission has \(percent(covered)) of the expert answer's words, and the expert answer \(percent(extra)) of the submission's")])
            }
        }
        if text.contains("<Text index=\"") {
            let criterion = line(after: "criterion:", in: text) ?? line(after: "criteria:", in: text) ?? ""
            let texts = sections(text, "<Text index=\"", "</Text>").map { String($0.drop { $0 != ">" }.dropFirst()) }
            let shares = texts.map { coverage(criterion, in: $0).share }
            // The first of the best, so that ties go to the earliest text.
            return "\(shares.indices.first { shares[$0] == shares.max() } ?? 0)"
        }
        if text.contains("{\"steps\""), let criteria = line(after: "Criteria:", in: text) {
            let words = contentWords(criteria).prefix(4)
            let steps = words.isEmpty ? ["Check that the reply meets the criteria."] : words.map { "Check that the reply deals with \($0)." }
            return json(["steps": .array(steps.map(JSONValue.string))])
        }
        if text.contains("{\"score\""), let criteria = line(after: "Criteria:", in: text), let reply = section(text, "Reply:", "Score the reply") {
            let found = coverage(criteria, in: reply)
            return "{\"score\": \(Int((found.share * 10).rounded())), \"reason\": \(quoted("simulated grader: the reply has \(found.found) of the criteria's \(found.total) words"))}"
        }
        if text.contains("[Attributed]"), let context = lastField(text, "context:", before: "answer:"), let answer = lastField(text, "answer:", before: "classification:") {
            return sentences(answer).enumerated().map { i, sentence in
                let attributed = coverage(sentence, in: context).share >= 0.5
                return "\(i + 1). \(sentence) simulated grader: \(attributed ? "its words are in the context" : "its words are not in the context"). So \(attributed ? "[Attributed]" : "[Not Attributed]")"
            }.joined(separator: "\n")
        }
        if text.hasSuffix("candidate sentences:\n") || text.hasSuffix("candidate sentences:"),
           let query = lastField(text, "query:", before: "context:"), let context = lastField(text, "context:", before: "candidate sentences:") {
            let relevant = context.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && coverage($0, in: query).found > 0 }
            return relevant.isEmpty ? "Insufficient Information" : relevant.joined(separator: "\n")
        }
        if text.contains("Final verdict for each statement in order:"), let context = lastField(text, "context:", before: "statements:"),
           let statements = lastField(text, "statements:", before: "Answer:") {
            var out = "", verdicts: [String] = []
            for (i, statement) in statements.split(separator: "\n").map(String.init).filter({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }).enumerated() {
                let supported = coverage(statement, in: context).share >= 0.5
                verdicts.append(supported ? "Yes" : "No")
                out += "\(i + 1). \(statement)\nExplanation: simulated grader: \(supported ? "the context has its words" : "the context lacks its words"). Verdict: \(supported ? "Yes" : "No").\n"
            }
            return out + "Final verdict for each statement in order: " + verdicts.map { $0 + "." }.joined(separator: " ")
        }
        if text.hasSuffix("statements:") || text.hasSuffix("statements:\n"), let answer = lastField(text, "answer:", before: "statements:") {
            return sentences(answer).joined(separator: "\n")
        }
        if text.hasSuffix("Question:") || text.hasSuffix("Question:\n"), let answer = lastField(text, "Answer:", before: "Question:") {
            let words = contentWords(answer).prefix(5)
            return words.isEmpty ? "What is this about?" : "What about " + words.joined(separator: " ") + "?"
        }
        return nil
    }

    // MARK: - The rule

    static let negations: Set<String> = ["not", "no", "never", "without", "avoid", "avoids", "doesn", "don", "isn", "mustn", "shouldn"]

    static func grade(_ rubric: String, _ output: String) -> (pass: Bool, score: Double, reason: String) {
        let words = rubric.lowercased().split { !$0.isLetter }.map(String.init)
        let negated = words.contains { negations.contains($0) }
        let found = coverage(rubric, in: output)
        guard found.total > 0 else { return (true, 1, "simulated grader: the rubric has no words to look for, so it passes") }
        let met = negated ? found.share < 0.5 : found.share >= 0.5
        let score = negated ? 1 - found.share : found.share
        let listed = found.words.prefix(6).joined(separator: ", ")
        return (met, (score * 100).rounded() / 100,
                "simulated grader: the output has \(found.found) of the rubric's \(found.total) words (\(listed))\(negated ? "; the rubric says not, so fewer is better" : "")")
    }

    /// How many of `rubric`'s content words `text` has.
    static func coverage(_ rubric: String, in text: String) -> (found: Int, total: Int, share: Double, words: [String]) {
        let wanted = contentWords(rubric)
        let have = Set(contentWords(text, limit: nil))
        let prefixes = Set(have.map { String($0.prefix(5)) })
        let matched = wanted.filter { have.contains($0) || ($0.count >= 5 && prefixes.contains(String($0.prefix(5)))) }
        return (matched.count, wanted.count, wanted.isEmpty ? 0 : Double(matched.count) / Double(wanted.count), wanted)
    }

    static func contentWords(_ text: String, limit: Int? = 24) -> [String] {
        var seen = Set<String>(), result: [String] = []
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let w = String(word)
            guard w.count >= 3, !SimulatedText.stopWords.contains(w), !negations.contains(w), seen.insert(w).inserted else { continue }
            result.append(w)
            if let limit, result.count == limit { break }
        }
        return result
    }

    // MARK: - Reading the prompt

    private static func section(_ text: String, _ open: String, _ close: String) -> String? {
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex) else { return nil }
        return text[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func sections(_ text: String, _ open: String, _ close: String) -> [String] {
        var result: [String] = [], rest = text[...]
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            result.append(String(rest[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[end.upperBound...]
        }
        return result
    }

    /// `[Label]: value` up to the next `***` line or `[` label.
    private static func field(_ text: String, _ label: String) -> String? {
        guard let start = text.range(of: label) else { return nil }
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n***")?.lowerBound ?? rest.range(of: "\n[")?.lowerBound ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text after the last `label` and before the next `before`.
    private static func lastField(_ text: String, _ label: String, before: String) -> String? {
        guard let start = text.range(of: label, options: .backwards) else { return nil }
        let rest = text[start.upperBound...]
        let end = rest.range(of: before)?.lowerBound ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func line(after label: String, in text: String) -> String? {
        guard let start = text.range(of: label) else { return nil }
        return text[start.upperBound...].prefix { $0 != "\n" }.trimmingCharacters(in: .whitespaces)
    }

    private static func sentences(_ text: String) -> [String] {
        var result: [String] = [], current = ""
        for c in text {
            current.append(c)
            if c == "." || c == "!" || c == "?" || c == "\n" {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { result.append(s) }
                current = ""
            }
        }
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !s.isEmpty { result.append(s) }
        return result
    }

    private static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
    private static func format(_ n: Double) -> String { n == n.rounded() ? String(Int(n)) : String(n) }
    private static func quoted(_ s: String) -> String { JSONWriter.string(.string(s)) }
    private static func json(_ object: [String: JSONValue]) -> String { JSONWriter.string(.object(object)) }
}
