/// Text comparisons for `levenshtein` and `similar`.
public enum TextSimilarity {
    /// Edits (insertions, deletions, substitutions of characters) from `a` to `b`.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Cosine similarity, 0 to 1, of the two texts' word and word-pair counts (lower-cased,
    /// letters and digits only). promptfoo's `similar` uses embeddings; this is the offline
    /// equivalent: identical texts give 1, texts sharing no words 0.
    public static func cosine(_ a: String, _ b: String) -> Double {
        let x = features(a), y = features(b)
        guard !x.isEmpty, !y.isEmpty else { return a == b ? 1 : 0 }
        var dot = 0.0
        for (term, count) in x { dot += count * (y[term] ?? 0) }
        let norm = { (v: [String: Double]) in v.values.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return min(1, dot / (norm(x) * norm(y)))
    }

    static func features(_ text: String) -> [String: Double] {
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
        var counts: [String: Double] = [:]
        for word in words { counts[word, default: 0] += 1 }
        for (first, second) in zip(words, words.dropFirst()) { counts[first + " " + second, default: 0] += 0.5 }
        return counts
    }
}
