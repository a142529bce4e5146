/// Which of OpenAI's two generation APIs a request is sent to: Chat Completions
/// (`POST {base}/chat/completions`) or Responses (`POST {base}/responses`).
///
/// `api = "chat"` or `api = "responses"` in a provider's block, or in one of its model blocks,
/// forces the choice; otherwise the OpenAI adapter sends the models that exist only on Responses
/// there (``servesOnlyResponses(_:)``) and everything else to Chat Completions.
public enum OpenAIAPI: String, Sendable, Hashable, CaseIterable, Codable {
    case chat, responses

    /// Whether OpenAI serves `model` only on the Responses API (Chat Completions answers it with
    /// a 404 "only supported in v1/responses"): every `*-pro` (o1-pro, o3-pro, gpt-5.5-pro and
    /// their dated snapshots), every `*-codex*` (gpt-5-codex, gpt-5.1-codex-mini, codex-mini-latest),
    /// `*-deep-research` and `computer-use-*`.
    ///
    /// Matched by name on hyphen-separated words, ASCII case folded, for ids the catalog does not
    /// list (where it does, its `"mode": "responses"` decides); a model both miss still gets
    /// there: the adapter switches on the chat 404 that names `v1/responses` and remembers it.
    public static func servesOnlyResponses(_ model: String) -> Bool {
        // Asked on every OpenAI request, so read byte by byte, with nothing allocated.
        let id = Substring(model).utf8
        if startsFolded(id, with: "computer-use-") { return true }
        var start = id.startIndex, afterDeep = false
        while true {
            let end = id[start...].firstIndex(of: UInt8(ascii: "-")) ?? id.endIndex
            let word = id[start..<end]
            if equalsFolded(word, "pro") || equalsFolded(word, "codex") || afterDeep && equalsFolded(word, "research") { return true }
            afterDeep = equalsFolded(word, "deep")
            guard end < id.endIndex else { return false }
            start = id.index(after: end)
        }
    }

    private static func equalsFolded(_ word: Substring.UTF8View, _ literal: StaticString) -> Bool {
        word.count == literal.utf8CodeUnitCount && startsFolded(word, with: literal)
    }

    /// Whether `text` starts with the lowercase ASCII `prefix`, ASCII case folded.
    private static func startsFolded(_ text: Substring.UTF8View, with prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { wanted in
            guard text.count >= wanted.count else { return false }
            return zip(text, wanted).allSatisfy { byte, lower in ((65...90).contains(byte) ? byte + 32 : byte) == lower }
        }
    }
}
