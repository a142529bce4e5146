/// How a cell looks: a role from the theme's palette plus emphasis. Roles, not colours, so a
/// theme (or `NO_COLOR`) decides the colours at the edge.
public struct Style: Hashable, Sendable {
    public enum Role: String, Sendable, CaseIterable {
        case text, dim, border, borderFocused = "border_focused", title, heading, code, prompt
        case statusBar = "status_bar", simulated, ok, warning, error
        case gaugeFill = "gauge_fill", gaugeNearLimit = "gauge_near_limit", gaugeAtLimit = "gauge_at_limit"

        /// The role's place in `allCases`; its curses colour pair is this plus one. (A switch:
        /// the terminal asks for every cell it draws.)
        var pairIndex: Int {
            switch self {
            case .text: 0
            case .dim: 1
            case .border: 2
            case .borderFocused: 3
            case .title: 4
            case .heading: 5
            case .code: 6
            case .prompt: 7
            case .statusBar: 8
            case .simulated: 9
            case .ok: 10
            case .warning: 11
            case .error: 12
            case .gaugeFill: 13
            case .gaugeNearLimit: 14
            case .gaugeAtLimit: 15
            }
        }
    }

    public var role: Role
    public var bold: Bool
    public var reverse: Bool

    public init(_ role: Role = .text, bold: Bool = false, reverse: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
    }

    public static let plain = Style()
}
