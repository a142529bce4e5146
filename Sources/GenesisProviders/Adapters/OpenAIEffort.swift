import GenesisEngine

/// OpenAI's reasoning effort: one table for Chat Completions' `reasoning_effort` and the
/// Responses API's `reasoning.effort`, and for servers that copy them.
enum OpenAIEffort {
    /// The order of efforts, least first.
    static let order = ["none", "minimal", "low", "medium", "high", "xhigh", "max"]

    /// The effort for a level, as named (`none` on gpt-5.1 and later, `minimal` on gpt-5), and
    /// `max` as `xhigh`, the highest effort OpenAI's models take; a model that refuses a value
    /// is sent the next one towards `medium` (``nearerMedium(_:)``).
    static func value(_ level: ReasoningLevel) -> String {
        level == .max ? "xhigh" : level.rawValue
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
