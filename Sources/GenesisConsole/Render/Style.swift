/// How a cell looks: a role from the theme's palette plus emphasis. Roles, not colours, so a
/// theme (or `NO_COLOR`) decides the colours at the edge.
public struct Style: Hashable, Sendable {
    public enum Role: String, Sendable, CaseIterable {
        case text, dim, border, borderFocused = "border_focused", title, heading, code, prompt
        case statusBar = "status_bar", simulated, ok, warning, error
        case gaugeFill = "gauge_fill", gaugeNearLimit = "gauge_near_limit", gaugeAtLimit = "gauge_at_limit"
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
