import Foundation
@testable import GenesisConsole
import GenesisEngine
import GenesisStore
import Testing

@Suite("Recorded conversations in the console")
struct ConversationTests {
    let fast = ModelID(provider: "sim", model: "fast"), deep = ModelID(provider: "sim", model: "deep")

    func screen(_ state: ConsoleState, width: Int = 140, height: Int = 30) -> String {
        ConsoleRenderer.render(state, width: width, height: height).lines.joined(separator: "\n")
    }

    @Test("a stored conversation becomes one pane per model asked, with the prompts each answered; unfinished answers are marked")
    func loadingGroupsByModel() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID())/g.sqlite").path
        let storage = try Storage(path: path)
        let c = try await storage.createConversation(firstPrompt: "first", source: "console", system: "be brief")
        try await storage.addPrompt("first", to: c.id)
        for model in [fast, deep] {
            let id = try await storage.startAnswer(in: c.id, model: model, parameters: .init())
            try await storage.appendToAnswer(id, "answer one from \(model.model)")
            try await storage.finishAnswer(id, result: GenerationResult(model: model, text: "", finishReason: .stop,
                                                                        usage: Usage(inputTokens: 1, outputTokens: 1), cost: nil, latency: .zero))
        }
        try await storage.addPrompt("second", to: c.id)
        let cut = try await storage.startAnswer(in: c.id, model: deep, parameters: .init())
        try await storage.appendToAnswer(cut, "half an ans") // killed here: never finished
        _ = try await storage.startAnswer(in: c.id, model: fast, parameters: .init()) // nothing arrived

        let loaded = try await ConsoleRecords.load(String(c.id.prefix(6)), from: storage, simulated: ["sim"])
        #expect(loaded.panes.map(\.model) == [fast, deep])
        #expect(loaded.panes[0].turns.map(\.text) == ["first", "answer one from fast"])
        #expect(loaded.panes[1].turns.map(\.text) == ["first", "answer one from deep", "second", "half an ans"])
        #expect(loaded.panes[1].unfinished == [3] && loaded.system == "be brief")

        var state = ConsoleState(models: [ModelID(provider: "sim", model: "balanced")])
        _ = state.update(.conversationLoaded(loaded))
        #expect(state.panes.map(\.model) == [fast, deep] && state.system == "be brief")
        #expect(state.conversation?.id == c.id && state.lastPrompt == "second")
        let text = screen(state)
        #expect(text.contains("› second") && text.contains("half an ans") && text.contains("[unfinished: the answer stopped here]"))
        // The next request carries the recorded turns.
        let request = ConsoleApp.makeRequest(state, pane: 1)
        #expect(request.messages.map(\.text) == ["be brief", "first", "answer one from deep", "second", "half an ans"])
        // fast got no text for "second": the prompt shows, marked, and is not sent back as a turn.
        #expect(loaded.panes[0].unanswered == [2: ["second"]])
        let fastText = state.panes[0].text
        #expect(fastText.contains("› second") && fastText.contains("[no answer: nothing came"))
        #expect(ConsoleApp.makeRequest(state, pane: 0).messages.map(\.text) == ["be brief", "first", "answer one from fast"])

        // A prompt saved just before the process ended, with no answer started: every pane shows it,
        // and /retry sends it.
        try await storage.addPrompt("third", to: c.id)
        let again = try await ConsoleRecords.load(c.id, from: storage, simulated: ["sim"])
        #expect(again.panes[0].unanswered == [2: ["second", "third"]] && again.panes[1].unanswered == [4: ["third"]])
        var reopened = ConsoleState(models: [fast])
        _ = reopened.update(.conversationLoaded(again))
        #expect(reopened.lastPrompt == "third" && reopened.panes.allSatisfy { $0.text.contains("› third") })
    }

    @Test("/history asks for the list and shows it until a key is pressed; /open and /new become commands")
    func historyCommands() {
        var state = ConsoleState(models: [fast])
        for key in "/history" { _ = state.update(.key(.char(key))) }
        #expect(state.update(.key(.enter)) == [.listHistory])
        _ = state.update(.historyListed([HistoryEntry(id: "abcdef12-3456", title: "Lighthouses", date: "2026-11-25 10:00", models: ["sim:fast"])]))
        let text = screen(state)
        #expect(text.contains("Recent conversations") && text.contains("abcdef12") && text.contains("Lighthouses"))
        _ = state.update(.key(.char("x")))
        #expect(state.historyList == nil && state.input.isEmpty)

        for key in "/open abcd" { _ = state.update(.key(.char(key))) }
        #expect(state.update(.key(.enter)) == [.openConversation("abcd")])
        state.conversation = HistoryEntry(id: "abcd", title: "t", date: "d", models: [])
        for key in "/new" { _ = state.update(.key(.char(key))) }
        #expect(state.update(.key(.enter)) == [.newConversation])
        #expect(state.conversation == nil)
    }

    @Test("the side panel shows today's spending and the latest budget alert")
    func spendingAndAlerts() {
        var state = ConsoleState(models: [fast])
        _ = state.update(.providers([ProviderSummary(name: "sim", isSimulated: true)]))
        _ = state.update(.todayCost(0.0123))
        _ = state.update(.budgetAlert("budget overall daily $1.00: 80% used"))
        let text = screen(state)
        #expect(text.contains("today $0.0123 (all runs)") && text.contains("budget overall daily $1.00: 80%"))
    }
}
