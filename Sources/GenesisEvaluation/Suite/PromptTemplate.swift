import Foundation
import GenesisEngine

/// One prompt of a suite: text with `{{var}}` variables to fill, or a chat of messages whose
/// contents each have them (promptfoo's chat prompt files: `[{role, content}, ...]`).
public struct PromptTemplate: Sendable, Hashable {
    public var label: String
    /// The text prompt; for a chat prompt, its messages as JSON (what promptfoo shows as the prompt).
    public var template: String
    /// A chat prompt's messages; empty for a text prompt, which is sent as one user message.
    public var messages: [PromptMessage]

    public init(label: String, template: String) {
        self.label = label
        self.template = template
        self.messages = []
    }

    public init(label: String, messages: [PromptMessage]) {
        self.label = label
        self.messages = messages
        self.template = String(decoding: JSONValue.array(messages.map(\.json)).encoded(), as: UTF8.self)
    }

    public var isChat: Bool { !messages.isEmpty }

    /// Whether the prompt reads promptfoo's `_conversation` (the earlier turns of its tests).
    public var usesConversation: Bool {
        template.contains("_conversation") || messages.contains { $0.content.contains("_conversation") }
    }

    /// Whether the suite named the prompt (a label, a file); a prompt given as bare text is
    /// called "prompt N" by its place.
    public var isLabelled: Bool {
        !(label.hasPrefix("prompt ") && label.dropFirst(7).allSatisfy(\.isNumber) && label.count > 7)
    }

    /// What a matrix row calls the prompt: its label, or the first words of an unlabelled one
    /// (a chat's last user message), so that several can be told apart.
    public var displayName: String {
        guard !isLabelled else { return label }
        let text = messages.last(where: { $0.role == .user })?.content ?? template
        let words = text.split(whereSeparator: \.isWhitespace).prefix(6).joined(separator: " ")
        return words.count > 32 ? String(words.prefix(31)) + "…" : words + (text.split(whereSeparator: \.isWhitespace).count > 6 ? "…" : "")
    }

    /// The prompt as sent, as text: the rendered template, or the rendered messages as JSON.
    public func render(_ variables: [String: JSONValue], filters: FilterRound? = nil) throws(SuiteError) -> String {
        try rendered(variables, filters: filters).text
    }

    public func render(_ vars: [String: String]) throws(SuiteError) -> String { try render(vars.mapValues(JSONValue.string)) }

    /// The messages to send: a text prompt is one user message, unless what it renders to is a
    /// JSON list of `{role, content}` (a chat built by a template, e.g. a `{% for %}` over
    /// `_conversation`), which is sent as those messages, as promptfoo does.
    public func renderMessages(_ variables: [String: JSONValue], filters: FilterRound? = nil) throws(SuiteError) -> [ChatMessage] {
        try rendered(variables, filters: filters).messages
    }

    /// The prompt rendered once, as the text a report shows (``render(_:filters:)``: a chat
    /// prompt as its JSON list of messages) and as the messages sent (``renderMessages(_:filters:)``).
    public func rendered(_ variables: [String: JSONValue], filters: FilterRound? = nil) throws(SuiteError) -> (text: String, messages: [ChatMessage]) {
        guard isChat else {
            let text = try Self.render(template, variables, label: label, filters: filters)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if NunjucksTemplate.isTemplate(template), trimmed.hasPrefix("["), let json = JSONValue.parse(trimmed), let list = json.array, !list.isEmpty,
               list.allSatisfy({ $0["role"] != nil && $0["content"] != nil }) {
                return (text, try SuiteLoader.chatMessages(json, source: label).map { ChatMessage(role: $0.role, text: $0.content) })
            }
            return (text, [.user(text)])
        }
        var messages: [ChatMessage] = []
        for message in self.messages { messages.append(ChatMessage(role: message.role, text: try Self.render(message.content, variables, label: label, filters: filters))) }
        let text = String(decoding: JSONValue.array(messages.map { PromptMessage(role: $0.role, content: $0.text).json }).encoded(), as: UTF8.self)
        return (text, messages)
    }

    public func renderMessages(_ vars: [String: String]) throws(SuiteError) -> [ChatMessage] { try renderMessages(vars.mapValues(JSONValue.string)) }

    /// `text` rendered as a Nunjucks template (``NunjucksTemplate``) over the test's variables.
    static func render(_ text: String, _ variables: [String: JSONValue], label: String, filters: FilterRound? = nil) throws(SuiteError) -> String {
        do {
            return try NunjucksTemplate.render(text, variables, filters: filters)
        } catch {
            if let name = error.missingVariable {
                throw SuiteError(field: "vars.\(name)", message: "prompt \"\(label)\" uses {{ \(name) }}, which this test does not set; add it to vars (or to defaultTest.vars)")
            }
            throw SuiteError(field: "prompts", message: "prompt \"\(label)\", \(error)")
        }
    }
}

/// One message of a chat prompt: its role and its content, a template.
public struct PromptMessage: Sendable, Hashable {
    public var role: ChatRole
    public var content: String

    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }

    var json: JSONValue { .object(["role": .string(role.rawValue), "content": .string(content)]) }
}
