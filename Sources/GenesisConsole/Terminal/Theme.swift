import Foundation
import GenesisEngine

/// A colour theme from a file in `themes/` (see `themes/dark.toml` for the format), resolved to a
/// ``Palette`` for the terminal's colour depth.
public struct Theme: Sendable {
    public struct Color: Sendable, Equatable {
        /// -1 is the terminal's default colour.
        public var value: Int16
        public var fallback8: Int16?
    }

    public struct Entry: Sendable {
        public var foreground: Color?
        public var background: Color?
        public var bold = false, dim = false, underline = false, reverse = false
    }

    public var name: String
    public var entries: [Style.Role: Entry]

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var message: String
        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    static let colorNames: [String: Int16] = [
        "default": -1, "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
    ]

    /// Where `name` is looked for: a path as given, else `$XDG_CONFIG_HOME/genesis/themes/`,
    /// `./themes/`, and a `themes/` folder above the executable (a checkout or an install).
    public static func locate(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") || name.hasSuffix(".toml") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        var folders: [String] = []
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        folders.append(config + "/genesis/themes")
        folders.append(FileManager.default.currentDirectoryPath + "/themes")
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(directory.appendingPathComponent("themes").path)
            folders.append(directory.appendingPathComponent("share/genesis/themes").path)
            directory.deleteLastPathComponent()
        }
        return folders.map { "\($0)/\(name).toml" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    public static func load(file: String) throws(LoadError) -> Theme {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: file, message: "cannot read the theme file")
        }
        return try parse(text, file: file)
    }

    public static func parse(_ text: String, file: String) throws(LoadError) -> Theme {
        let table: TOMLTable
        do { table = try TOMLReader.read(text) } catch {
            throw LoadError(file: file, line: error.line, message: "TOML syntax error: \(error.message) (column \(error.column))")
        }
        let name = table["name"]?.string ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard let palette = table["palette"]?.table else {
            throw LoadError(file: file, line: nil, message: "no [palette] table; see themes/dark.toml for the format")
        }
        var entries: [Style.Role: Entry] = [:]
        for key in palette.keys {
            let line = palette.line(of: key) // the reader's record of where the role is written
            guard let role = Style.Role(rawValue: key) else {
                throw LoadError(file: file, line: line, message: "unknown role \"\(key)\"; roles: \(Style.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let spec = palette[key]?.table else {
                throw LoadError(file: file, line: line, message: "palette.\(key) must be an inline table, e.g. { fg = 245, bold = true }")
            }
            var entry = Entry()
            var fallback: Int16?
            for field in spec.keys {
                let value = spec[field], line = spec.line(of: field) ?? line
                func color() throws(LoadError) -> Int16 {
                    if let number = value?.integer, (0...255).contains(number) { return Int16(number) }
                    if let name = value?.string, let number = colorNames[name] { return number }
                    throw LoadError(file: file, line: line,
                                    message: "palette.\(key).\(field): \(value.map { "\($0)" } ?? "?") is not a colour; use 0-255, a colour name (\(colorNames.keys.sorted().joined(separator: ", "))) or \"default\"")
                }
                func flag() throws(LoadError) -> Bool {
                    guard let bool = value?.boolean else {
                        throw LoadError(file: file, line: line, message: "palette.\(key).\(field) must be true or false")
                    }
                    return bool
                }
                switch field {
                case "fg": entry.foreground = Color(value: try color())
                case "bg": entry.background = Color(value: try color())
                case "fallback8": fallback = try color()
                case "bold": entry.bold = try flag()
                case "dim": entry.dim = try flag()
                case "underline": entry.underline = try flag()
                case "reverse": entry.reverse = try flag()
                default:
                    throw LoadError(file: file, line: line, message: "palette.\(key): unknown field \"\(field)\"; fields: fg, bg, fallback8, bold, dim, underline, reverse")
                }
            }
            entry.foreground?.fallback8 = fallback
            if let background = entry.background { entry.background?.fallback8 = background.value > 7 ? -1 : background.value }
            entries[role] = entry
        }
        return Theme(name: name, entries: entries)
    }

    /// The palette for a terminal of this depth: 256-colour values become their 8-colour
    /// fallback (or the default colour), and with no colour only the emphasis remains.
    public func palette(depth: Palette.Depth) -> Palette {
        var result: [Style.Role: Palette.Entry] = [:]
        for role in Style.Role.allCases {
            let entry = entries[role] ?? Entry()
            func resolve(_ color: Color?) -> Int16 {
                guard let color, depth != .none else { return -1 }
                if depth == .eight, color.value > 7 { return color.fallback8 ?? -1 }
                return color.value
            }
            result[role] = Palette.Entry(foreground: resolve(entry.foreground), background: resolve(entry.background),
                                         bold: entry.bold, dim: entry.dim, underline: entry.underline, reverse: entry.reverse)
        }
        return Palette(entries: result)
    }
}
