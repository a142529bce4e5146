import Foundation
@testable import GenesisConsole
import GenesisEngine
import GenesisStore
import Testing

@Suite("/branch: every pane continues from one pane's answer")
struct BranchTests {
    @Test func everyPanesNextPromptGoesWithTheBranchingPanesHistory() {
        var round = Round(["sim:fast", "sim:balanced", "sim:deep"], prompt: "Name a colour")
        round.answer(0, "Red.")
        round.answer(1, "Blue.")
        round.answer(2, "Green.")
        #expect(round.state.submit("/branch 2").isEmpty, "nothing is recorded yet")
        #expect(round.state.notice == "every pane continues from sim:balanced's answer")
        for pane in round.state.panes {
            #expect(pane.turns == [.user("Name a colour"), .assistant("Blue.")])
            #expect(pane.text.hasSuffix("↱ branch: from here every pane continues from sim:balanced's answer"))
        }
        #expect(round.state.panes[0].text.contains("Red."), "what a pane showed stays")
        #expect(round.state.submit("Why that one?") == [.send(prompt: "Why that one?", panes: [0, 1, 2])])
        let request = ConsoleApp.makeRequest(round.state, pane: 2)
        #expect(request.messages == [.user("Name a colour"), .assistant("Blue."), .user("Why that one?")])
    }

    @Test func aRecordedConversationKeepsTheBranchPoint() {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.")
        round.answer(1, "Blue.")
        round.state.conversation = HistoryEntry(id: "c1", title: "Name a colour", date: "today", models: ["sim:fast", "sim:balanced"])
        #expect(round.state.submit("/branch sim:fast") == [.recordBranch(conversationID: "c1", model: "sim:fast")])
    }

    @Test(arguments: [
        ("/branch", "usage: /branch N, with N a pane's number (1 to 2) or its model"),
        ("/branch 3", "unknown pane 3: give a pane number from 1 to 2 or an open model (sim:fast, sim:balanced)"),
        ("/branch 2", "sim:balanced has no answer to its last prompt to branch from"),
    ])
    func aBranchNeedsAPaneWithAnAnswer(line: String, notice: String) {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.")
        _ = round.state.update(.failed(pane: 1, category: .server, message: "boom"))
        #expect(round.state.submit(line).isEmpty)
        #expect(round.state.notice == notice)
        #expect(round.state.panes[0].turns.count == 2 && round.state.panes[1].turns.isEmpty, "nothing changed")
    }

    @Test func theKeyBranchesFromTheFocusedPane() {
        var round = Round(["sim:fast", "sim:balanced"])
        round.answer(0, "Red.")
        round.answer(1, "Blue.")
        _ = round.state.update(.key(.function(7)))
        #expect(round.state.notice == "focus the pane to branch from (Tab), or type /branch N")
        _ = round.state.update(.key(.tab))
        _ = round.state.update(.key(.function(7)))
        #expect(round.state.panes.allSatisfy { $0.lastAnswer == "Red." })
    }

    @Test("reopened, a branched conversation's panes go on from the branch: each model's turns after it are the branching model's")
    func reopeningFollowsTheBranch() async throws {
        let storage = try Storage(path: FileManager.default.temporaryDirectory.appendingPathComponent("branch-\(UUID())/g.sqlite").path)
        let (runner, reports) = CommandRunnerTests.runner(storage: storage)
        var state = ConsoleState(models: ["sim:fast", "sim:deep"])
        var iterator = reports.makeAsyncIterator()
        for command in state.submit("Name a river") { runner.run(command, in: state) }
        while state.isStreaming, let report = await iterator.next() { _ = state.update(report.message) }
        await runner.sendsEnded()
        let id = try #require(state.conversation?.id)
        let commands = state.submit("/branch sim:deep")
        #expect(commands == [.recordBranch(conversationID: id, model: "sim:deep")])
        for command in commands { runner.run(command, in: state) }
        var branches: [StoredBranchPoint] = []
        for _ in 0..<200 where branches.isEmpty { // the runner records it off the loop
            branches = try await storage.branchPoints(in: id)
            if branches.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(branches.map(\.model) == ["sim:deep"])
        let loaded = try await ConsoleRecords.load(id, from: storage, simulated: ["sim"])
        #expect(loaded.panes.map(\.model) == ["sim:fast", "sim:deep"])
        #expect(loaded.panes[0].turns == loaded.panes[1].turns && loaded.panes[1].turns == state.panes[1].turns)
    }
}
