/// The console's keys and commands, in one table: the status bar and the help overlay read it.
public struct Binding: Sendable {
    public var keys: String
    public var help: String
    /// The status bar's short text; nil keeps the binding off the bar.
    public var hint: String?
    /// When the hint is worth its room on the bar.
    public var shownWhen: Relevance = .always

    public enum Relevance: Sendable {
        case always
        /// Once a pane has shown reasoning.
        case reasoning
    }

    public init(keys: String, help: String, hint: String?, shownWhen: Relevance = .always) {
        self.keys = keys
        self.help = help
        self.hint = hint
        self.shownWhen = shownWhen
    }
}

public enum Bindings {
    public static let keys: [Binding] = [
        Binding(keys: "Enter", help: "send the prompt to every pane (or to the focused one)", hint: "Enter send"),
        Binding(keys: "Ctrl-J / Alt-Enter", help: "new line in the prompt", hint: "^J newline"),
        Binding(keys: "Tab / Shift-Tab", help: "focus the next / previous pane (the prompt after the last)", hint: "Tab focus"),
        Binding(keys: "PgUp / PgDn, wheel", help: "scroll the focused pane (all panes when none is focused)", hint: "PgUp/PgDn scroll"),
        Binding(keys: "Ctrl-Z / F11", help: "zoom the focused pane to the whole screen and back", hint: "^Z zoom"),
        Binding(keys: "Ctrl-T", help: "expand/collapse reasoning: focused pane, or all",
                hint: "^T thinking", shownWhen: .reasoning),
        Binding(keys: "Esc / Ctrl-C", help: "cancel running answers; Esc also leaves focus, Ctrl-C twice quits", hint: "Esc cancel"),
        Binding(keys: "Up / Down", help: "earlier prompts (history)", hint: nil),
        Binding(keys: "Ctrl-A/E/K/U/W, Alt-B/F", help: "line start/end, delete to end/start, delete word, word left/right", hint: nil),
        Binding(keys: "? / F1", help: "this help (any key closes it)", hint: "? help"),
        Binding(keys: "Ctrl-Q", help: "quit", hint: "^Q quit"),
    ]

    public static let commands: [Binding] = [
        Binding(keys: "/model add P:M", help: "open a pane for a model (any id the provider accepts)", hint: nil),
        Binding(keys: "/model remove P:M", help: "close a model's pane", hint: nil),
        Binding(keys: "/system TEXT", help: "set the system prompt (empty clears it)", hint: nil),
        Binding(keys: "/temp X", help: "sampling temperature, 0 to 2", hint: nil),
        Binding(keys: "/max-tokens N", help: "longest answer, in tokens", hint: nil),
        Binding(keys: "/reasoning LEVEL", help: "how hard reasoning models think: none, minimal, low, medium, high, max", hint: nil),
        Binding(keys: "/thinking show|hide", help: "reasoning whole or one line; add all: every pane", hint: nil),
        Binding(keys: "/retry", help: "send the last prompt again", hint: nil),
        Binding(keys: "/clear", help: "clear the panes", hint: nil),
        Binding(keys: "/theme NAME", help: "dark, light, high-contrast, monochrome, or a theme file", hint: nil),
        Binding(keys: "/export FILE", help: "save every pane's conversation as Markdown", hint: nil),
        Binding(keys: "/history", help: "list recorded conversations", hint: nil),
        Binding(keys: "/open ID", help: "reopen a recorded conversation and continue it", hint: nil),
        Binding(keys: "/new", help: "start a new conversation (the panes stay)", hint: nil),
        Binding(keys: "/arena PROMPT", help: "blind round: panes answer as A, B, ...; then type a/b/.. (better), t (tie) or n (both bad) and Enter", hint: nil),
        Binding(keys: "/leaderboard", help: "ratings from the arena's votes", hint: nil),
        Binding(keys: "/eval FILE", help: "run a promptfoo suite on the open panes' models", hint: nil),
        Binding(keys: "/help, /quit (/q, /exit)", help: "this help; quit", hint: nil),
    ]
}
