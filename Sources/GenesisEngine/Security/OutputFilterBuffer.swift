import Synchronization

/// Applies output rules to a streamed answer without cutting a match in two: the last
/// `holdBack` characters wait for the next delta (or the end), and a match that straddles the
/// release point waits whole. Only used when output rules are configured.
final class OutputFilterBuffer: Sendable {
    struct Released {
        var text: String
        var blockedBy: FilterRule?
    }

    let filter: ContentFilter
    let holdBack: Int
    private let state = Mutex<(pending: String, matches: [FilterMatch])>(("", []))

    init(filter: ContentFilter, holdBack: Int = 64) {
        self.filter = filter
        self.holdBack = holdBack
    }

    var matches: [FilterMatch] { state.withLock { $0.matches } }

    /// Throws when a rule's pattern gives up on the answer (``ContentRuleTooSlowError``).
    func feed(_ delta: String) throws(ContentRuleTooSlowError) -> Released {
        try state.withLock { s throws(ContentRuleTooSlowError) in
            s.pending += delta
            guard s.pending.count > holdBack else { return Released(text: "") }
            var cut = s.pending.index(s.pending.endIndex, offsetBy: -holdBack)
            let ranges = try filter.matchRanges(in: s.pending, direction: .output)
            var moved = true
            while moved {
                moved = false
                for range in ranges where range.lowerBound < cut && range.upperBound > cut {
                    cut = range.lowerBound
                    moved = true
                }
            }
            let segment = String(s.pending[..<cut])
            s.pending.removeSubrange(..<cut)
            return try release(segment, &s.matches)
        }
    }

    func finish() throws(ContentRuleTooSlowError) -> Released {
        try state.withLock { s throws(ContentRuleTooSlowError) in
            let rest = s.pending
            s.pending = ""
            return try release(rest, &s.matches)
        }
    }

    private func release(_ segment: String, _ matches: inout [FilterMatch]) throws(ContentRuleTooSlowError) -> Released {
        guard !segment.isEmpty else { return Released(text: "") }
        let (text, found, blocked) = try filter.apply(segment, direction: .output)
        for match in found {
            if let i = matches.firstIndex(where: { $0.rule == match.rule && $0.action == match.action }) {
                matches[i].count += match.count
            } else {
                matches.append(match)
            }
        }
        return blocked.map { Released(text: "", blockedBy: $0) } ?? Released(text: text)
    }
}
