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
    /// This is the one list of them, matched by name on hyphen-separated words, ASCII case
    /// folded. It is to be fed by the model catalog once there is one (LiteLLM marks these
    /// `"mode": "responses"`); until then a model it misses still gets there: the adapter switches
    /// on the chat 404 that names `v1/responses` and remembers the model.
    public static func servesOnlyResponses(_ model: String) -> Bool {
        let name = model.lowercased()
        let words = name.split(separator: "-", omittingEmptySubsequences: false)
        return words.contains("pro") || words.contains("codex")
            || zip(words, words.dropFirst()).contains { $0 == "deep" && $1 == "research" }
            || name.hasPrefix("computer-use-")
    }
}
