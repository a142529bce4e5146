@testable import GenesisConsole
import GenesisEngine
import Testing

/// The key bindings are one table: dispatch reads it and so does the help.
@Suite("Key and command bindings")
struct BindingsTests {
    static let rows = Bindings.keys + Bindings.commands

    @Test("the help lists exactly the table's rows, each whole on one line of a 200-column terminal")
    func helpListsExactlyTheTable() {
        var state = ConsoleState(models: ["sim:fast"])
        _ = state.update(.key(.function(1)))
        let screen = ConsoleRenderer.render(state, width: 200, height: 60).lines
        for row in Self.rows {
            #expect(screen.contains { $0.contains(row.keys) && $0.contains(row.help) }, "\(row.keys): \(row.help)")
        }
        let listed = HelpOverlay.rows(width: 198).rows.filter { !$0.keys.isEmpty }
        #expect(listed.map(\.keys) == Self.rows.map { [$0.keys] })
        #expect(listed.map(\.help) == Self.rows.map { [$0.help] })
    }

    @Test("on a narrow terminal the keys and descriptions wrap in their columns: every word is shown, none cut", arguments: [60, 80, 100])
    func narrowHelpWraps(width: Int) {
        let (keyWidth, rows) = HelpOverlay.rows(width: width - 2)
        let listed = rows.filter { !$0.keys.isEmpty }
        #expect(listed.map { $0.help.joined(separator: " ") } == Self.rows.map(\.help))
        #expect(listed.map { $0.keys.joined(separator: " ") } == Self.rows.map(\.keys))
        for row in listed {
            #expect(row.keys.allSatisfy { DisplayWidth.of($0) <= keyWidth } && row.help.allSatisfy { DisplayWidth.of($0) <= width - 2 - keyWidth - 5 })
        }
        if width == 80 { #expect(rows.contains { $0.help.count > 1 }) } // the arena's description takes two lines
    }

    @Test("every key in the table dispatches to its row's action; no row hides another's key")
    func everyKeyDispatchesToItsRow() {
        for row in Bindings.keys {
            guard case .keys(let keys, let action) = row.dispatch else { Issue.record("\(row.keys) is not a key"); continue }
            for key in keys { #expect(Bindings.action(for: key, promptIsEmpty: true) == action, "\(key)") }
            // What the table hands to the prompt, the prompt takes.
            if action == .edit {
                for key in keys {
                    var editor = LineEditor(history: ["earlier"])
                    for c in "one two" { _ = editor.handle(.char(c)) }
                    let handled = editor.handle(key)
                    #expect(handled, "\(key)")
                }
            }
        }
        #expect(Bindings.action(for: .char("?"), promptIsEmpty: false) == nil) // typed: it is part of a prompt
        #expect(Bindings.action(for: .char("x"), promptIsEmpty: true) == nil)
    }

    @Test("every command in the table dispatches, each of its names; a name not in it is unknown")
    func everyCommandDispatches() {
        var names: [String] = []
        for row in Bindings.commands {
            guard case .command(let rowNames, let action) = row.dispatch else { Issue.record("\(row.keys) is not a command"); continue }
            for name in rowNames {
                #expect(Bindings.action(forCommand: name) == action, "\(name)")
                #expect(row.keys.contains(name), "the help names \(name)") // shown where it is dispatched
                var state = ConsoleState(models: ["sim:fast", "sim:deep"])
                state.input.set(name)
                _ = state.update(.key(.enter))
                #expect(state.notice?.hasPrefix("unknown command") != true, "\(name): \(state.notice ?? "")")
                names.append(name)
            }
        }
        #expect(Set(names).isSuperset(of: ["/quit", "/q", "/exit", "/help", "/model", "/thinking", "/reasoning"]))
        var state = ConsoleState(models: ["sim:fast"])
        state.input.set("/nosuch")
        _ = state.update(.key(.enter))
        #expect(state.notice == "unknown command /nosuch; /help lists the commands")
    }
}
