import Foundation
import GenesisEngine

/// One question to a grader model: a grading prompt (Genesis' default or the suite's
/// `rubricPrompt`) rendered over its variables and the test's, sent as promptfoo sends it.
struct GraderRequest: Sendable {
    let registry: ModelRegistry
    /// The grader, with the settings its `config` gives (`provider: {id, config}`).
    let grader: SuiteProvider
    /// The suite's custom Nunjucks filters, which a grading prompt (`rubricPrompt`) may use as
    /// its prompts do.
    var filters: CustomFilters? = nil

    var model: ModelID { grader.model }

    /// A grading request's settings: temperature 0 and `maxTokens`, under what the grader's
    /// `config` sets (its `temperature`, `max_tokens`, `seed`, ...), as promptfoo sends a
    /// grader's config with each grading call.
    func parameters(maxTokens: Int, responseFormat: ResponseFormat? = nil) -> GenerationParameters {
        grader.parameters.filled(from: GenerationParameters(maxTokens: maxTokens, temperature: 0, responseFormat: responseFormat))
    }

    struct Failure: Error { var message: String }

    /// The grading prompt as messages: a JSON list of `{role, content}` (each content rendered,
    /// as promptfoo renders the strings of a JSON prompt), else the rendered text as one user
    /// message. Variables: the type's, then the test's over them (promptfoo spreads the test's
    /// last).
    static func messages(_ prompt: JSONValue, _ variables: [String: JSONValue], test: [String: JSONValue],
                         filters: FilterRound? = nil) throws(Failure) -> [ChatMessage] {
        let all = variables.merging(test) { $1 }
        func render(_ text: String) throws(Failure) -> String {
            do { return try NunjucksTemplate.render(text, all, filters: filters) } catch { throw Failure(message: "the grading prompt does not render: \(error)") }
        }
        var list: [JSONValue]?
        switch prompt {
        case .array(let items): list = items
        case .string(let text):
            if text.trimmingCharacters(in: .whitespaces).hasPrefix("["), let parsed = JSONValue.parse(text)?.array { list = parsed }
            else {
                let rendered = try render(text)
                if let parsed = JSONValue.parse(rendered.trimmingCharacters(in: .whitespacesAndNewlines))?.array, !parsed.isEmpty,
                   parsed.allSatisfy({ $0["role"]?.string != nil && $0["content"]?.string != nil }) {
                    list = parsed.map { .object(["role": $0["role"] ?? .null, "content": .string($0["content"]?.string ?? "")]) }
                    return try chat(list ?? [], render: { $0 })
                }
                return [.user(rendered)]
            }
        default: break
        }
        return try chat(list ?? [], render: render)
    }

    private static func chat(_ items: [JSONValue], render: (String) throws(Failure) -> String) throws(Failure) -> [ChatMessage] {
        var messages: [ChatMessage] = []
        for item in items {
            if let text = item.string { messages.append(.user(try render(text))); continue }
            guard let roleName = item["role"]?.string, let role = ChatRole(rawValue: roleName), let content = item["content"]?.string else {
                throw Failure(message: "the grading prompt's messages must each be {role, content} with role system, user or assistant")
            }
            messages.append(ChatMessage(role: role, text: try render(content)))
        }
        guard !messages.isEmpty else { throw Failure(message: "the grading prompt is empty") }
        return messages
    }

    /// The grader's answer to `messages` (``parameters(maxTokens:responseFormat:)``), never from the cache.
    func ask(_ messages: [ChatMessage], maxTokens: Int = 1024) async throws(Failure) -> String {
        // A prompt of system messages only (promptfoo's closed QA and factuality prompts are one
        // system message) is sent as a user message: some providers need one.
        var sent = messages
        if !sent.contains(where: { $0.role == .user }), let last = sent.indices.last { sent[last] = .user(sent[last].text) }
        let request = GenerationRequest(model: model, messages: sent, parameters: parameters(maxTokens: maxTokens))
        do {
            let answer = try await registry.generate(request, options: RequestOptions(cachePolicy: .never))
            guard !answer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw Failure(message: "the grader \(model) gave an empty answer")
            }
            return answer.text
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(message: "the grader \(model) failed: \(error)")
        }
    }

    func ask(_ prompt: JSONValue, _ variables: [String: JSONValue], test: [String: JSONValue]) async throws(Failure) -> String {
        guard let filters else { return try await ask(try Self.messages(prompt, variables, test: test)) }
        let messages = try await filters.render({ (round: FilterRound) throws(Failure) in
            try Self.messages(prompt, variables, test: test, filters: round)
        }, or: { Failure(message: "the grading prompt's custom filters failed: \($0.message)") })
        return try await ask(messages)
    }
}

extension AssertionEvaluator {
    /// Questions to `a`'s grader: its own (`provider:`), else the test's, the suite's or
    /// `--grader`'s; nil without one (or without a registry to ask it through).
    func graderRequest(for a: Assertion) -> GraderRequest? {
        guard let registry, let chosen = a.provider ?? grader else { return nil }
        return GraderRequest(registry: registry, grader: chosen, filters: filters)
    }
}
