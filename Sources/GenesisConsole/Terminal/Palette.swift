import Foundation

/// Colours for each style role, degrading from 256 colours to 8 to none (`NO_COLOR`).
/// The built-in palette matches `themes/dark.toml`.
public struct Palette: Sendable {
    public struct Entry: Sendable {
        public var foreground: Int16  // -1 is the terminal's default
        public var background: Int16
        public var bold = false
        public var dim = false
        public var underline = false
        public var reverse = false
    }

    public enum Depth: Sendable { case none, eight, many }

    public var entries: [Style.Role: Entry]

    /// The dark theme, for a terminal with `colors` colours.
    public static func dark(depth: Depth) -> Palette {
        func c(_ many: Int16, _ eight: Int16) -> Int16 { depth == .many ? many : eight }
        let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3, blue: Int16 = 4, magenta: Int16 = 5, cyan: Int16 = 6, white: Int16 = 7
        _ = black
        var e: [Style.Role: Entry] = [
            .text: Entry(foreground: -1, background: -1),
            .dim: Entry(foreground: c(245, white), background: -1, dim: depth == .eight),
            .border: Entry(foreground: c(240, white), background: -1, dim: depth == .eight),
            .borderFocused: Entry(foreground: c(39, cyan), background: -1, bold: true),
            .title: Entry(foreground: c(252, white), background: -1, bold: true),
            .heading: Entry(foreground: c(75, blue), background: -1, bold: true),
            .code: Entry(foreground: c(180, yellow), background: c(236, -1)),
            .prompt: Entry(foreground: -1, background: -1),
            .statusBar: Entry(foreground: c(250, white), background: c(237, -1), reverse: depth == .eight),
            .simulated: Entry(foreground: c(141, magenta), background: -1),
            .ok: Entry(foreground: c(70, green), background: -1),
            .warning: Entry(foreground: c(214, yellow), background: -1),
            .error: Entry(foreground: c(203, red), background: -1, bold: true),
            .gaugeFill: Entry(foreground: c(70, green), background: -1),
            .gaugeNearLimit: Entry(foreground: c(214, yellow), background: -1),
            .gaugeAtLimit: Entry(foreground: c(203, red), background: -1),
        ]
        if depth == .none {
            // Monochrome: emphasis only, as themes/monochrome.toml.
            for role in Style.Role.allCases { e[role] = Entry(foreground: -1, background: -1) }
            e[.dim]?.dim = true
            e[.borderFocused]?.bold = true
            e[.title]?.bold = true
            e[.heading]?.bold = true; e[.heading]?.underline = true
            e[.code]?.reverse = true
            e[.statusBar]?.reverse = true
            e[.simulated]?.underline = true
            e[.warning]?.bold = true
            e[.error]?.bold = true; e[.error]?.reverse = true
            e[.gaugeFill]?.reverse = true
            e[.gaugeNearLimit]?.reverse = true; e[.gaugeNearLimit]?.bold = true
            e[.gaugeAtLimit]?.reverse = true; e[.gaugeAtLimit]?.bold = true
        }
        return Palette(entries: e)
    }

    /// No colour when `NO_COLOR` is set to a value that is not empty (no-color.org: an empty
    /// `NO_COLOR` does not count) or the terminal has none.
    public static func depth(colors: Int, environment: [String: String]) -> Depth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        return colors >= 256 ? .many : colors >= 8 ? .eight : .none
    }
}
