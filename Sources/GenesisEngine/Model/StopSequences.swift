import Foundation

extension StringProtocol {
    /// The text before the first of `stops` that occurs in it (empty ones ignored), or nil when
    /// none does: where an answer with these stop sequences ends.
    public func prefix(beforeFirstOf stops: [String]) -> SubSequence? {
        stops.filter { !$0.isEmpty }.compactMap { range(of: $0) }.min { $0.lowerBound < $1.lowerBound }.map { self[..<$0.lowerBound] }
    }
}
