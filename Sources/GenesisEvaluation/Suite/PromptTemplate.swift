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
    public func render(_ vars: [String: String]) throws(SuiteError) -> String {
        guard isChat else { return try Self.render(template, vars, label: label) }
        return String(decoding: JSONValue.array(try renderMessages(vars).map { PromptMessage(role: $0.role, content: $0.text).json }).encoded(),
                      as: UTF8.self)
    }

    /// The messages to send: a text prompt is one user message.
    public func renderMessages(_ vars: [String: String]) throws(SuiteError) -> [ChatMessage] {
        guard isChat else { return [.user(try Self.render(template, vars, label: label))] }
        var rendered: [ChatMessage] = []
        for message in messages { rendered.append(ChatMessage(role: message.role, text: try Self.render(message.content, vars, label: label))) }
        return rendered
    }

    /// `text` with `{{ name }}` replaced by the variables' values. Nunjucks' filters and tags are
    /// refused by name: they would otherwise reach the model as they are.
    static func render(_ text: String, _ vars: [String: String], label: String) throws(SuiteError) -> String {
        for (tag, what) in [("{%", "tags such as {% if %} and {% for %}"), ("{#", "comments ({# ... #})")] where text.contains(tag) {
            throw SuiteError(field: "prompts", message: "prompt \"\(label)\" uses Nunjucks \(what), which are not supported; only plain {{ variable }} is")
        }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw SuiteError(field: "prompts", message: "prompt \"\(label)\" has \"{{\" without \"}}\"")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if name.contains("|") {
                throw SuiteError(field: "prompts", message: "prompt \"\(label)\" uses a template filter ({{ \(name) }}); only plain {{ variable }} is supported")
            }
            if vars[name] == nil, let base = name.split(whereSeparator: { $0 == "." || $0 == "[" }).first, base != Substring(name), vars[String(base)] != nil {
                throw SuiteError(field: "prompts", message: "prompt \"\(label)\" uses {{ \(name) }}: dotted and indexed access into a variable is not supported; only plain {{ variable }} is")
            }
            guard let value = vars[name] else {
                throw SuiteError(field: "vars.\(name)", message: "prompt \"\(label)\" uses {{ \(name) }}, which this test does not set; add it to vars (or to defaultTest.vars)")
            }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
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
