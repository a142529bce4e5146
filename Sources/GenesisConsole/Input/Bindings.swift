/// A key or a command of the console, as one row of data: what triggers it, what it does, how
/// the help describes it and when the status bar hints at it. Dispatch (``ConsoleState/update(_:)``)
/// finds keys and commands in ``Bindings`` and nowhere else, and the help overlay lists the same
/// rows, so the two cannot disagree: a key that is not in the table only edits the prompt, a
/// command that is not in it is unknown.
public struct Binding: Sendable {
    /// As the help shows them: `Ctrl-Z / F11`, `/model add P:M`.
    public var keys: String
    public var help: String
    /// The status bar's short text; nil keeps the binding off the bar.
    public var hint: String?
    /// When the hint is worth its room on the bar.
    public var shownWhen: Relevance
    public var dispatch: Dispatch

    public enum Relevance: Sendable {
        case always
        /// Once a pane has shown reasoning.
        case reasoning
    }

    /// What triggers the binding and what it does.
    public enum Dispatch: Equatable, Sendable {
        /// Any of these keys. A printable character acts only while the prompt is empty: it is
        /// typed otherwise.
        case keys([Key], KeyAction)
        /// A line whose first word is one of these names.
        case command([String], CommandAction)
    }

    public init(keys: String, help: String, hint: String? = nil, shownWhen: Relevance = .always, _ dispatch: Dispatch) {
        self.keys = keys
        self.help = help
        self.hint = hint
        self.shownWhen = shownWhen
        self.dispatch = dispatch
    }
}

/// What a key does (the handler is the case of the same name in ``ConsoleState/update(_:)``).
public enum KeyAction: Equatable, Sendable {
    case send, focus, scroll, syncScroll, zoom, toggleThinking, diff, branch, cancel, help, quit
    /// Handed to the prompt's ``LineEditor``.
    case edit
}

/// What a command does (the handler is the case of the same name in ``ConsoleState/update(_:)``).
public enum CommandAction: Equatable, Sendable {
    case model, system, temperature, maxTokens, reasoning, thinking, retry, clear, theme, export, history, open, new, arena,
         leaderboard, evaluate, diff, judge, branch, report, image, help, quit
}

public enum Bindings {
    public static let keys: [Binding] = [
        Binding(keys: "Enter", help: "send the prompt to every pane (or to the focused one)", hint: "Enter send", .keys([.enter], .send)),
        Binding(keys: "Ctrl-J / Alt-Enter", help: "new line in the prompt", hint: "^J newline", .keys([.altEnter], .edit)),
        Binding(keys: "Tab / Shift-Tab", help: "focus the next / previous pane (the prompt after the last)", hint: "Tab focus",
                .keys([.tab, .backTab], .focus)),
        Binding(keys: "PgUp / PgDn, wheel", help: "scroll the focused pane (all panes when none is focused)", hint: "PgUp/PgDn scroll",
                .keys([.pageUp, .pageDown, .wheelUp, .wheelDown], .scroll)),
        Binding(keys: "Ctrl-S / F6", help: "scroll all panes together, each by the same share of its answer (again: each on its own)",
                hint: "^S sync", .keys([.ctrl("s"), .function(6)], .syncScroll)),
        Binding(keys: "Ctrl-Z / F11", help: "zoom the focused pane to the whole screen and back", hint: "^Z zoom",
                .keys([.ctrl("z"), .function(11)], .zoom)),
        Binding(keys: "Ctrl-T", help: "expand/collapse reasoning: focused pane, or all", hint: "^T thinking", shownWhen: .reasoning,
                .keys([.ctrl("t")], .toggleThinking)),
        Binding(keys: "Ctrl-O / F5", help: "word diff of the panes' last answers, as /diff; again or Esc: back to the panes", hint: "^O diff",
                .keys([.ctrl("o"), .function(5)], .diff)),
        Binding(keys: "F7", help: "branch from the focused pane: every pane continues from its last answer, as /branch", .keys([.function(7)], .branch)),
        Binding(keys: "Esc / Ctrl-C", help: "cancel running answers; Esc also leaves focus, Ctrl-C twice quits", hint: "Esc cancel",
                .keys([.escape, .ctrl("c")], .cancel)),
        Binding(keys: "Up / Down", help: "earlier prompts (history)", .keys([.up, .down], .edit)),
        Binding(keys: "Ctrl-A/E/K/U/W, Alt-B/F", help: "line start/end, delete to end/start, delete word, word left/right",
                .keys([.ctrl("a"), .ctrl("e"), .ctrl("k"), .ctrl("u"), .ctrl("w"), .alt("b"), .alt("f")], .edit)),
        Binding(keys: "? / F1", help: "this help (any key closes it)", hint: "? help", .keys([.char("?"), .function(1)], .help)),
        Binding(keys: "Ctrl-Q", help: "quit", hint: "^Q quit", .keys([.ctrl("q")], .quit)),
    ]

    public static let commands: [Binding] = [
        Binding(keys: "/model add P:M", help: "open a pane for a model (any id the provider accepts)", .command(["/model"], .model)),
        Binding(keys: "/model remove P:M", help: "close a model's pane", .command(["/model"], .model)),
        Binding(keys: "/system TEXT", help: "set the system prompt (empty clears it)", .command(["/system"], .system)),
        Binding(keys: "/temp X", help: "sampling temperature, 0 to 2", .command(["/temp"], .temperature)),
        Binding(keys: "/max-tokens N", help: "longest answer, in tokens", .command(["/max-tokens"], .maxTokens)),
        Binding(keys: "/reasoning LEVEL", help: "how hard reasoning models think: none, minimal, low, medium, high, xhigh, max",
                .command(["/reasoning"], .reasoning)),
        Binding(keys: "/thinking show|hide", help: "reasoning whole or one line; add all: every pane", .command(["/thinking"], .thinking)),
        Binding(keys: "/image FILE", help: "attach a PNG, JPEG, GIF or WebP to the next prompt (or type or paste its path as the prompt); /image clear drops them",
                .command(["/image"], .image)),
        Binding(keys: "/retry", help: "send the last prompt again", .command(["/retry"], .retry)),
        Binding(keys: "/clear", help: "clear the panes", .command(["/clear"], .clear)),
        Binding(keys: "/theme NAME", help: "dark, light, high-contrast, monochrome, or a theme file", .command(["/theme"], .theme)),
        Binding(keys: "/export FILE", help: "save every pane's conversation as Markdown", .command(["/export"], .export)),
        Binding(keys: "/branch N", help: "every pane continues from pane N's last answer (a number or a model), as if it had given it",
                .command(["/branch"], .branch)),
        Binding(keys: "/report FILE", help: "write the conversation as a standalone HTML report (FILE.md: Markdown)", .command(["/report"], .report)),
        Binding(keys: "/history", help: "list recorded conversations", .command(["/history"], .history)),
        Binding(keys: "/open ID", help: "reopen a recorded conversation and continue it", .command(["/open"], .open)),
        Binding(keys: "/new", help: "start a new conversation (the panes stay)", .command(["/new"], .new)),
        Binding(keys: "/arena PROMPT", help: "blind round: panes answer as A, B, ...; then type a/b/.. (better), t (tie) or n (both bad) and Enter",
                .command(["/arena"], .arena)),
        Binding(keys: "/leaderboard", help: "ratings from the arena's votes", .command(["/leaderboard"], .leaderboard)),
        Binding(keys: "/diff [A B]", help: "word diff of two panes' last answers (by number or model); alone: the focused pane and the next, "
                + "or each against the majority with 3+ panes and none focused", .command(["/diff"], .diff)),
        Binding(keys: "/judge P:M", help: "that model compares the panes' last answers pairwise, each pair in both orders (disagreeing: a tie); "
                + "kept for genesis leaderboard --judge", .command(["/judge"], .judge)),
        Binding(keys: "/eval FILE", help: "run a promptfoo suite on the open panes' models", .command(["/eval"], .evaluate)),
        Binding(keys: "/help", help: "this help", .command(["/help"], .help)),
        Binding(keys: "/quit (/q, /exit)", help: "quit", .command(["/quit", "/q", "/exit"], .quit)),
    ]

    /// What `key` does, if the table binds it: the first row that lists it.
    public static func action(for key: Key, promptIsEmpty: Bool) -> KeyAction? {
        if case .char = key, !promptIsEmpty { return nil }
        for binding in keys {
            if case .keys(let bound, let action) = binding.dispatch, bound.contains(key) { return action }
        }
        return nil
    }

    /// What the command named `name` (`/model`, `/q`) does, if the table has it.
    public static func action(forCommand name: String) -> CommandAction? {
        for binding in commands {
            if case .command(let names, let action) = binding.dispatch, names.contains(name) { return action }
        }
        return nil
    }
}
