import Foundation

/// `file://` paths with wildcards, as promptfoo takes them for prompts, tests and vars: `*` and
/// `?` and `[...]` within a name, `**` for any number of directories. Names starting with a dot
/// are matched only by a pattern that starts with one. Matches come sorted, files only.
enum FileGlob {
    static func hasWildcards(_ path: String) -> Bool { path.contains { "*?[".contains($0) } }

    /// The files `pattern` matches; relative patterns are resolved from `directory`.
    static func expand(_ pattern: String, directory: String) -> [String] {
        let root = directory.hasPrefix("/") ? directory : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        let absolute = pattern.hasPrefix("/") ? pattern : (root as NSString).appendingPathComponent(pattern)
        let parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        // The fixed directories before the first wildcard.
        let firstWild = parts.firstIndex(where: hasWildcards) ?? parts.count
        let base = "/" + parts[..<firstWild].joined(separator: "/")
        var found: [String] = []
        walk(base, Array(parts[firstWild...]), depth: 0, into: &found)
        return Array(Set(found)).sorted()
    }

    private static func walk(_ path: String, _ rest: [String], depth: Int, into found: inout [String]) {
        guard depth < 64 else { return } // a symbolic link that loops, under **
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard let part = rest.first else {
            if !isDirectory.boolValue { found.append(path) }
            return
        }
        guard isDirectory.boolValue else { return }
        let remaining = Array(rest.dropFirst())
        if part == "**" {
            walk(path, remaining, depth: depth + 1, into: &found) // no directory at all
            for name in entries(path) where !name.hasPrefix(".") {
                let child = (path as NSString).appendingPathComponent(name)
                var childIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory), childIsDirectory.boolValue {
                    walk(child, rest, depth: depth + 1, into: &found)
                }
            }
            return
        }
        if !hasWildcards(part) {
            walk((path as NSString).appendingPathComponent(part), remaining, depth: depth + 1, into: &found)
            return
        }
        for name in entries(path) where fnmatch(part, name, FNM_PERIOD) == 0 {
            walk((path as NSString).appendingPathComponent(name), remaining, depth: depth + 1, into: &found)
        }
    }

    private static func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
