import Foundation
import GenesisEngine

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

    /// `thinking = "expanded"` or `"collapsed"`. The file is TOML, read by ``TOMLReader``;
    /// other keys are ignored (a newer Genesis may have written them).
    public static func parse(_ text: String, file: String) throws(LoadError) -> ConsolePreferences {
        let table: TOMLTable
        do { table = try TOMLReader.read(text) } catch {
            throw LoadError(file: file, message: "line \(error.line): TOML syntax error: \(error.message) (column \(error.column))")
        }
        var preferences = ConsolePreferences()
        if let item = table.item("thinking") {
            switch item.value {
            case .string("expanded"): preferences.expandsThinking = true
            case .string("collapsed"): preferences.expandsThinking = false
            default: throw LoadError(file: file, message: "line \(item.line): thinking must be \"expanded\" or \"collapsed\", got \(item.value)")
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
