import Foundation
import GenesisEngine

/// The model-graded types besides `llm-rubric`, scored as promptfoo scores them
/// (`src/matchers.ts`): closed QA passes on a last line "Y"; factuality maps categories A, B, C,
/// E to 1 and D to 0 (or the test's `options.factuality` scores); G-Eval scores 0 to 10 (passing at `threshold`, 0.7 by default); context
/// recall is the share of `[Attributed]` lines, context relevance the share of the context's
/// lines the grader extracts, faithfulness the share of statements not judged "No", and answer
/// relevance the mean similarity of the questions the grader writes for the output to the
/// query (those three pass at `threshold`, 0 by default).
///
/// Answer relevance compares with the assertion's embedding model (``Assertion/embeddingProvider``)
/// where one is named, else with Genesis' word similarity (`TextSimilarity.cosine`), and says
/// which in its reason. Context comes from the `context` variable
/// (promptfoo's `contextTransform` is refused when the suite loads), the query from `query`.
extension AssertionEvaluator {
    func modelGraded(_ a: Assertion, _ output: AnswerOutput, _ context: AssertionContext) async -> Outcome {
        guard let grader = graderRequest(for: a) else {
            return Outcome.error("\(a.type.rawValue) needs a grader: pass --grader provider:model, or set provider on the assertion or defaultTest.options.provider")
        }
        let model = grader.model
        let test = context.test?.templateVariables ?? [:]
        let value = a.value?.string ?? ""
        let prompt = a.rubricPrompt
        let input = JSONValue.string(context.prompt)
        let completion = JSONValue.string(output.text)
        func variable(_ name: String) -> String? { test[name].map { TemplateValue.text($0) } }
        func needs(_ name: String) -> Outcome {
            Outcome.error("\(a.type.rawValue) needs the test variable \(name) (vars.\(name))")
        }
        do {
            switch a.type {
            case .closedQA:
                let reply = try await grader.ask(prompt ?? .string(GradingPrompts.closedQA), ["input": input, "criteria": .string(value), "completion": completion], test: test)
                let last = reply.trimmingCharacters(in: .whitespacesAndNewlines)
                if last.hasSuffix("Y") { return Outcome(true, 1, "the submission meets the criterion: \(short(reply))") }
                if last.hasSuffix("N") { return Outcome(false, 0, "the submission does not meet the criterion: \(short(reply))") }
                return Outcome.error("the grader \(model) did not end its answer with Y or N: \"\(short(reply))\"")
            case .factuality:
                let reply = try await grader.ask(prompt ?? .string(GradingPrompts.factuality), ["input": input, "ideal": .string(value), "completion": completion], test: test)
                guard let (category, reason) = Self.factualityCategory(reply) else {
                    return Outcome.error("the grader \(model) did not answer with a category A to E: \"\(short(reply))\"")
                }
                // options.factuality may score the categories; one scored 0 fails (D by default).
                let score = a.config?["factuality"]?[category]?.double ?? (category == "D" ? 0 : 1)
                return Outcome(score > 0, score, "category \(category) (\(Self.factualityMeaning[category] ?? "")): \(reason)")
            case .gEval:
                let criteria = a.value?.array?.compactMap(\.string) ?? [value]
                var scores: [Double] = [], reasons: [String] = []
                for criterion in criteria {
                    let (score, reason) = try await gEval(criterion, input: context.prompt, output: output.text, prompt: prompt, grader: grader)
                    scores.append(score)
                    reasons.append(reason)
                }
                let score = scores.reduce(0, +) / Double(max(1, scores.count)), threshold = a.threshold ?? 0.7
                return Outcome(score >= threshold - 1e-9, score, String(format: "score %.2f %@ %.2f: ", score, score >= threshold - 1e-9 ? "≥" : "<", threshold) + reasons.joined(separator: " / "))
            case .answerRelevance:
                let query = variable("query") ?? context.prompt
                var questions: [String] = []
                for _ in 0..<3 {
                    let question = try await grader.ask(prompt ?? .string(GradingPrompts.answerRelevance), ["answer": completion], test: test)
                    questions.append(question.trimmingCharacters(in: .whitespacesAndNewlines))
                }
                let similarities: [Double], measure: String
                if let embedding = a.embeddingProvider {
                    let vectors: [[Double]]
                    do { vectors = try await grader.registry.embed(embedding, texts: [query] + questions) } catch {
                        return Outcome.error("the embedding model \(embedding) failed: \(error)")
                    }
                    similarities = questions.indices.map { VectorSimilarity.cosine(vectors[0], vectors[$0 + 1]) }
                    measure = "\(embedding) embedding similarity"
                } else {
                    similarities = questions.map { TextSimilarity.cosine(query, $0) }
                    measure = "word similarity (no embedding model named)"
                }
                let score = similarities.reduce(0, +) / Double(similarities.count)
                return thresholded(score, a.threshold ?? 0, what: "relevance (\(measure) of the grader's questions to the query, e.g. \"\(short(questions[0]))\")")
            case .contextRecall:
                guard let contextText = variable("context") else { return needs("context") }
                let reply = try await grader.ask(prompt ?? .string(GradingPrompts.contextRecall), ["context": .string(contextText), "groundTruth": .string(value)], test: test)
                let lines = Self.lines(reply)
                let attributed = lines.filter { $0.contains("[Attributed]") }.count
                return thresholded(lines.isEmpty ? 0 : Double(attributed) / Double(lines.count), a.threshold ?? 0,
                                   what: "recall (\(attributed) of \(lines.count) sentences attributed to the context)")
            case .contextRelevance:
                guard let query = variable("query") else { return needs("query") }
                guard let contextText = variable("context") else { return needs("context") }
                let reply = try await grader.ask(prompt ?? .string(GradingPrompts.contextRelevance), ["query": .string(query), "context": .string(contextText)], test: test)
                let total = Self.lines(contextText).count
                let relevant = reply.contains("Insufficient Information") ? 0 : Self.lines(reply).count
                let score = total > 0 ? min(1, Double(relevant) / Double(total)) : 0
                return thresholded(score, a.threshold ?? 0, what: "relevance (\(relevant) of the context's \(total) lines needed for the query)")
            case .contextFaithfulness:
                guard let query = variable("query") else { return needs("query") }
                guard let contextText = variable("context") else { return needs("context") }
                let prompts = prompt?.array ?? []
                func part(_ i: Int, _ fallback: String) -> JSONValue {
                    guard i < prompts.count else { return .string(fallback) }
                    return prompts[i].string.map(JSONValue.string) ?? .array([prompts[i]])
                }
                let statementsReply = try await grader.ask(part(0, GradingPrompts.faithfulnessStatements), ["question": .string(query), "answer": completion], test: test)
                let statements = Self.lines(statementsReply)
                guard !statements.isEmpty else { return Outcome.error("the grader \(model) found no statements in the output") }
                let verdicts = try await grader.ask(part(1, GradingPrompts.faithfulnessVerdicts),
                                                    ["context": .string(contextText), "statements": .array(statements.map(JSONValue.string))], test: test)
                let unsupported = Self.unsupportedStatements(verdicts)
                let score = max(0, 1 - Double(unsupported) / Double(statements.count))
                return thresholded(score, a.threshold ?? 0, what: "faithfulness (\(statements.count - min(unsupported, statements.count)) of \(statements.count) statements supported by the context)")
            default:
                return Outcome.error("\(a.type.rawValue) is not a model-graded type")
            }
        } catch {
            return Outcome.error(error.message)
        }
    }

    private func thresholded(_ score: Double, _ threshold: Double, what: String) -> Outcome {
        let passed = score >= threshold - 1e-9
        return Outcome(passed, score, String(format: "%.2f %@ %.2f: ", score, passed ? "≥" : "<", threshold) + what)
    }

    private func gEval(_ criteria: String, input: String, output: String, prompt: JSONValue?, grader: GraderRequest) async throws(GraderRequest.Failure) -> (Double, String) {
        let stepsPrompt = prompt?["steps"] ?? .string(GradingPrompts.gEvalSteps)
        let stepsReply = try await grader.ask(stepsPrompt, ["criteria": .string(criteria)], test: [:])
        guard let steps = Self.firstJSONObject(stepsReply, having: "steps")?["steps"]?.array?.compactMap(\.string), !steps.isEmpty else {
            throw GraderRequest.Failure(message: "the grader \(grader.model) proposed no evaluation steps as {\"steps\": [...]}: \"\(short(stepsReply))\"")
        }
        let evaluatePrompt = prompt?["evaluate"] ?? .string(GradingPrompts.gEvalEvaluate)
        let reply = try await grader.ask(evaluatePrompt, ["criteria": .string(criteria), "steps": .string(steps.joined(separator: "\n- ")),
                                                          "maxScore": "10", "input": .string(input), "output": .string(output)], test: [:])
        guard let result = Self.firstJSONObject(reply, having: "score"), let score = result["score"]?.double ?? result["score"]?.string.flatMap(Double.init) else {
            throw GraderRequest.Failure(message: "the grader \(grader.model) did not answer {\"score\": 0..10, \"reason\": ...}: \"\(short(reply))\"")
        }
        return (min(1, max(0, score / 10)), result["reason"]?.string ?? "")
    }

    static let factualityMeaning = [
        "A": "a consistent subset of the expert answer", "B": "a consistent superset of the expert answer",
        "C": "the same details as the expert answer", "D": "disagrees with the expert answer",
        "E": "differs, but not in the facts",
    ]

    /// `{"category": "A", "reason": …}`, or the older "(A) reason" form promptfoo also reads.
    static func factualityCategory(_ reply: String) -> (String, String)? {
        if let object = firstJSONObject(reply, having: "category"), let category = object["category"]?.string?.trimmingCharacters(in: .whitespaces).uppercased() {
            guard ["A", "B", "C", "D", "E"].contains(category) else { return nil }
            return (category, object["reason"]?.string ?? "")
        }
        guard let match = reply.range(of: #"\(?[A-Ea-e]\)"#, options: .regularExpression) else { return nil }
        let letter = reply[match].filter(\.isLetter).uppercased()
        return (letter, reply[match.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func firstJSONObject(_ text: String, having key: String) -> JSONValue? {
        jsonCandidates(in: text).first { $0[key] != nil }
    }

    /// Non-empty lines, as promptfoo splits sentences.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Statements judged "No": after "Final verdict for each statement in order:", the entries
    /// that are not "yes"; without that line, the count of "verdict: no".
    static func unsupportedStatements(_ reply: String) -> Int {
        let lower = reply.lowercased()
        let marker = "final verdict for each statement in order:"
        if let range = lower.range(of: marker) {
            return lower[range.upperBound...].split(separator: ".").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !$0.contains("yes") }.count
        }
        return lower.components(separatedBy: "verdict: no").count - 1
    }
}
