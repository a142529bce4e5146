import GenesisEngine

/// OpenAI's reasoning effort: one table for Chat Completions' `reasoning_effort` and the
/// Responses API's `reasoning.effort`, and for servers that copy them.
enum OpenAIEffort {
    /// The order of efforts, least first.
    static let order = ["none", "minimal", "low", "medium", "high", "xhigh", "max"]

    /// The effort for a level, as named (`none` on gpt-5.1 and later, `minimal` on gpt-5), `max`
    /// as the server's `highest` (OpenAI's `max`, which only some of its models take; `xhigh` on
    /// servers that copy the API); a model that refuses a value is sent the next one towards
    /// `medium` (``nearerMedium(_:)``), and the refusal is remembered (``OpenAIMemo``).
    static func value(_ level: ReasoningLevel, highest: String = "max") -> String {
        level == .max ? highest : level.rawValue
    }

    /// The effort to send `model` for `level`: the level's, or, where the model refused that
    /// before, the one it was last sent instead, with a notice saying so.
    static func resolved(_ level: ReasoningLevel, highest: String, model: String, memo: OpenAIMemo) -> (effort: String, note: String?) {
        let asked = value(level, highest: highest)
        let effort = memo.effort(asked, for: model)
        return (effort, effort == asked ? nil : "\(model) refused reasoning effort \(asked) before; sent \(effort)")
    }

    /// The effort to send instead of one a model refused: one step towards `medium`; none from
    /// `low`, `medium` or `high` (a model that refuses one of those has its own default).
    static func nearerMedium(_ effort: String) -> String? { steps[effort] }

    private static let steps = ["max": "xhigh", "xhigh": "high", "none": "minimal", "minimal": "low"]

    /// Of the efforts a server takes, the one nearest `effort` (the higher of two as near).
    static func nearest(_ effort: String, among taken: [String]) -> String {
        guard let wanted = order.firstIndex(of: effort) else { return effort }
        let ranked = taken.compactMap { value in order.firstIndex(of: value).map { (value, $0) } }
        return ranked.min { a, b in
            let (da, db) = (abs(a.1 - wanted), abs(b.1 - wanted))
            return da != db ? da < db : a.1 > b.1
        }?.0 ?? effort
    }
}
