/// The ids a model id may be priced as, most specific first: the id, then the id without each
/// trailing snapshot or alias suffix in turn (a date, a version number, `-latest`, `-preview`,
/// `-exp`), for a fine-tune its base model. Never a shorter name that is another model.
enum ModelIDAliases {
    static func candidates(for id: String) -> [String] {
        var name = id.lowercased()
        if name.hasPrefix("models/") { name.removeFirst(7) } // Gemini's resource names
        var result = [name]
        if name.hasPrefix("ft:") { // ft:BASE:org::id (OpenAI), ft:BASE:suffix:date:id (Mistral)
            let base = name.dropFirst(3).prefix { $0 != ":" }
            if !base.isEmpty {
                if base.count + 3 < name.count { result.append("ft:" + base) }
                name = String(base)
                result.append(name)
            }
        }
        while let shorter = withoutSuffix(name) {
            result.append(shorter)
            name = shorter
        }
        return result
    }

    /// `name` without its last snapshot or alias suffix, or nil when it ends in none.
    static func withoutSuffix(_ name: String) -> String? {
        for suffix in suffixes {
            if let match = name.firstMatch(of: suffix), match.range.lowerBound > name.startIndex {
                return String(name[..<match.range.lowerBound])
            }
        }
        return nil
    }

    /// Each anchored at the end of the id: `-2025-08-07`, `-20250929` / `@20250929`, `-0613`,
    /// `-2411`, `-002`, `-latest`, `-preview`, `-preview-06-17`, `-preview-09-2025`, `-exp`, `-exp-1206`.
    nonisolated(unsafe) private static let suffixes: [Regex<Substring>] = [
        /-\d{4}-\d{2}-\d{2}$/, /[-@]\d{8}$/, /[-@]latest$/, /-(?:preview|exp)(?:-\d{2}-\d{2}|-\d{2}-\d{4}|-\d{4})?$/,
        /-\d{3,4}$/,
    ]
}
