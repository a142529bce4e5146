import GenesisEngine

/// The one optional setting a provider's 400 says a model does not take (PROTOCOLS 9.3), read
/// from the error's own words, so that the request is sent again without it and the answer
/// comes with a notice instead of a failure. Only settings a format lists as droppable are ever
/// named: a refused part of the prompt is never dropped.
enum RefusedParameter {
    /// Words with which providers refuse a setting: Anthropic's "`temperature` is deprecated for
    /// this model.", "`temperature` and `top_p` cannot both be specified for this model", Gemini's
    /// `Unknown name "topK"` and "... is not supported for this model", Mistral's "Extra inputs are
    /// not permitted", OpenAI's "Unsupported parameter".
    static let refusals = ["not supported", "unsupported", "deprecated", "not permitted", "unknown name", "cannot both be specified",
                           "does not support", "is not allowed", "not available for this model", "cannot be used with"]

    /// The setting among `candidates` (as the message may spell it) that `message` refuses: the
    /// name after `Unknown name`, or the only candidate the message names beside words of refusal.
    /// Of `temperature` and `top_p` refused together, `top_p` (the temperature stays). nil when
    /// the message refuses nothing or names several settings or none.
    static func named(in message: String, among candidates: [String]) -> String? {
        let lowered = message.lowercased()
        guard refusals.contains(where: lowered.contains) else { return nil }
        if let quoted = message.firstMatch(of: /Unknown name "([A-Za-z_]+)"/)?.1, let name = candidates.first(where: { $0 == quoted }) {
            return name
        }
        let named = candidates.filter { mentions(lowered, word: $0.lowercased()) }
        if named.count == 1 { return named[0] }
        if lowered.contains("cannot both be specified"), named.contains("top_p") { return "top_p" }
        return nil
    }

    /// Whether `word` occurs in `text` as a whole name: not inside a longer identifier
    /// (`thinking` is not in `thinking_config`, `top_p` not in `top_p_max`).
    static func mentions(_ text: String, word: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: word, range: searchStart..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : " "
            if !isNamePart(before) && !isNamePart(after) { return true }
            searchStart = range.upperBound
        }
        return false
    }

    private static func isNamePart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// The error's message, wherever the provider puts it: `error.message` (OpenAI, Anthropic,
    /// Gemini), a string `error` (Ollama), a string `message`, or Mistral's `message.detail[].msg`
    /// with the field it names.
    static func message(of error: HTTPErrorDetails) -> String? {
        guard let json = error.json else { return String(decoding: error.body.prefix(4096), as: UTF8.self) }
        if let message = json["error"]?["message"]?.string { return message }
        if let message = json["error"]?.string { return message }
        if let message = json["message"]?.string { return message }
        if let details = json["message"]?["detail"]?.array ?? json["detail"]?.array {
            return details.compactMap { detail -> String? in
                guard let msg = detail["msg"]?.string else { return nil }
                let field = detail["loc"]?.array?.last?.string.map { "`\($0)` " } ?? ""
                return field + msg
            }.joined(separator: "; ")
        }
        return nil
    }

    /// `original` resent without the body field `key` (at `path` inside the body, e.g.
    /// `generationConfig`), with a note saying so; nil when the request has no such field. A
    /// setting with a fallback (``HTTPRequestSpec/fallbacks``) is sent as that instead: the
    /// request as it would have been without it.
    static func resend(_ original: HTTPRequestSpec, without key: String, at path: [String] = [], model: String?,
                       shownAs name: String? = nil) -> HTTPRequestSpec? {
        let note = "\(model ?? "the model") refused \(name ?? key); sent without it"
        var retry = original
        if path.isEmpty, let fallback = original.fallbacks[key] {
            retry.body = fallback.body
            retry.notes = fallback.notes + original.notes.filter { !fallback.replacing.contains($0) } + [note]
            retry.fallbacks[key] = nil
        } else {
            guard case .object(let body) = original.body, let trimmed = removing(key, at: path[...], from: body) else { return nil }
            retry.body = .object(trimmed)
            retry.notes.append(note)
        }
        retry.refused.append(key)
        // What was refused stays out of the fallbacks too.
        for (setting, fallback) in retry.fallbacks {
            if case .object(let body) = fallback.body, let trimmed = removing(key, at: path[...], from: body) {
                retry.fallbacks[setting]?.body = .object(trimmed)
            }
        }
        return retry
    }

    private static func removing(_ key: String, at path: ArraySlice<String>, from object: [String: JSONValue]) -> [String: JSONValue]? {
        var object = object
        guard let first = path.first else {
            guard object[key] != nil else { return nil }
            object[key] = nil
            return object
        }
        guard case .object(let inner) = object[first], let trimmed = removing(key, at: path.dropFirst(), from: inner) else { return nil }
        object[first] = trimmed.isEmpty ? nil : .object(trimmed)
        return object
    }
}
