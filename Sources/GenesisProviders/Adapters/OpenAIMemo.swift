import Synchronization

/// What an OpenAI provider learns from the API's answers, for as long as the process runs:
/// the models Chat Completions says are served only on the Responses API, the keys whose
/// organisation may not have reasoning summaries (it is not verified), and the reasoning
/// efforts each model refused (so `max` is asked of a model once, not on every request).
final class OpenAIMemo: Sendable {
    private struct State {
        var responsesOnlyModels: Set<String> = []
        /// Keys as sent (held in memory only, as the provider's key ring holds them); "" for none.
        var keysWithoutSummaries: Set<String> = []
        var refusedEfforts: [String: Set<String>] = [:]
    }

    private let state = Mutex(State())

    init() {}

    func servesOnlyResponses(_ model: String) -> Bool {
        state.withLock { $0.responsesOnlyModels.contains(model) }
    }

    func rememberResponsesOnly(_ model: String) {
        _ = state.withLock { $0.responsesOnlyModels.insert(model) }
    }

    func refusesSummaries(key: String?) -> Bool {
        state.withLock { $0.keysWithoutSummaries.contains(key ?? "") }
    }

    func rememberRefusedSummaries(key: String?) {
        _ = state.withLock { $0.keysWithoutSummaries.insert(key ?? "") }
    }

    func rememberRefusedEffort(_ effort: String, model: String) {
        _ = state.withLock { $0.refusedEfforts[model, default: []].insert(effort) }
    }

    /// `effort`, or the first one towards `medium` that `model` has not refused.
    func effort(_ effort: String, for model: String) -> String {
        state.withLock { state in
            guard let refused = state.refusedEfforts[model] else { return effort }
            var effort = effort
            while refused.contains(effort), let next = OpenAIEffort.nearerMedium(effort) { effort = next }
            return effort
        }
    }
}
