import Foundation

/// What the console remembers between runs: choices made in it, saved as they are made, in a
/// small TOML file of its own (`$XDG_STATE_HOME/genesis/console.toml`). Configuration stays in
/// `config.toml`, which Genesis never writes.
public struct ConsolePreferences: Equatable, Sendable {
    /// Reasoning above each answer shown whole rather than as a one-line summary (`Ctrl-T` with
    /// no pane focused, `/thinking all`).
    public var expandsThinking = false

    public init(expandsThinking: Bool = false) {
        self.expandsThinking = expandsThinking
    }

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message); fix it, or delete the file to start from the defaults" }
    }

    /// `$XDG_STATE_HOME/genesis/console.toml`, or `~/.local/state/genesis/console.toml`.
    public static func path(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/genesis/console.toml"
    }

    /// The saved choices; the defaults when there is no file yet.
    public static func load(file: String) throws(LoadError) -> ConsolePreferences {
        guard FileManager.default.fileExists(atPath: file) else { return ConsolePreferences() }
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: file, message: "cannot read it")
        }
        return try parse(text, file: file)
    }

    /// `thinking = "expanded"` or `"collapsed"`; comments and blank lines are skipped, other keys
    /// ignored (a newer Genesis may have written them).
    public static func parse(_ text: String, file: String) throws(LoadError) -> ConsolePreferences {
        var preferences = ConsolePreferences()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw LoadError(file: file, message: "line \(number + 1) is not key = \"value\"") }
            guard parts[0] == "thinking" else { continue }
            switch parts[1] {
            case "\"expanded\"": preferences.expandsThinking = true
            case "\"collapsed\"": preferences.expandsThinking = false
            default: throw LoadError(file: file, message: "line \(number + 1): thinking must be \"expanded\" or \"collapsed\", got \(parts[1])")
            }
        }
        return preferences
    }

    public var text: String {
        """
        # The console's choices, kept between runs. Genesis rewrites this file when they change.
        thinking = "\(expandsThinking ? "expanded" : "collapsed")"

        """
    }

    /// Writes the file (and its folder, private to the user), replacing it whole.
    public func save(file: String) throws {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try text.write(toFile: file, atomically: true, encoding: .utf8)
    }
}
