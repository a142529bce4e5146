import Foundation
@testable import GenesisConsole
import GenesisEngine
import GenesisStore
import Testing

/// The commands `update` returns run off the input loop and report back in messages.
@Suite("Commands as effects")
struct CommandRunnerTests {
    typealias Report = (message: Message, inOrderWithStreams: Bool)

    /// A runner on the simulator answering at once, and what it reports: what it posts, and what
    /// it delivers in order with the streams' events.
    static func runner(storage: Storage?) -> (CommandRunner, AsyncStream<Report>) {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        let (reports, sink) = AsyncStream<Report>.makeStream()
        let runner = CommandRunner(registry: ModelRegistry(configuration: configuration), storage: storage, deployments: nil, setTheme: { _ in },
                                   preferencesFile: "/nonexistent/genesis/console.toml", simulated: ["sim"],
                                   post: { sink.yield(($0, false)) }, deliver: { sink.yield(($0, true)) })
        return (runner, reports)
    }

    @Test("a prompt is recorded off the loop: the new conversation is reported before the answers, which come back as events, then recorded")
    func aSendRecordsAndStreams() async throws {
        let storage = try Storage(path: FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID())/g.sqlite").path)
        let (runner, reports) = Self.runner(storage: storage)
        var state = ConsoleState(models: ["sim:fast", "sim:deep"])
        state.input.set("Name a river")
        let commands = state.update(.key(.enter))
        #expect(commands == [.send(prompt: "Name a river", panes: [0, 1])])
        for command in commands { runner.run(command, in: state) }
        var order: [String] = []
        for await report in reports {
            switch report.message {
            case .conversationStarted: order.append("conversation")
            case .event(let pane, .completed, _): order.append("completed \(pane)")
            case .failed(let pane, _, let text, _): Issue.record("pane \(pane) failed: \(text)")
            default: break
            }
            #expect(report.inOrderWithStreams || { if case .providers = report.message { true } else if case .todayCost = report.message { true } else { false } }())
            _ = state.update(report.message)
            if !state.isStreaming { break }
        }
        await runner.sendsEnded()
        #expect(order.first == "conversation" && Set(order.dropFirst()) == ["completed 0", "completed 1"], "\(order)")
        #expect(state.panes.allSatisfy { $0.turns.count == 2 } && state.conversation?.title == "Name a river")
        let conversation = try await storage.conversation(try #require(state.conversation?.id))
        let messages = try await storage.messages(in: conversation.id)
        #expect(messages.map(\.content) == ["Name a river"] + state.panes.map { $0.turns[1].text })
        #expect(Set(messages.compactMap(\.model)) == ["sim:fast", "sim:deep"] && messages.allSatisfy { $0.status == .complete })
    }

    @Test("commands that need storage say so when history is off; export writes the file and says where")
    func oneOffCommandsReportInNotices() async throws {
        let (runner, reports) = Self.runner(storage: nil)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID()).md").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let state = ConsoleState(models: ["sim:fast"])
        var iterator = reports.makeAsyncIterator()
        for command: Command in [.listHistory, .openConversation("abc"), .showLeaderboard, .export(path: file)] {
            runner.run(command, in: state)
            guard case .notice(let text)? = await iterator.next()?.message else { Issue.record("\(command): no notice"); continue }
            switch command {
            case .export: #expect(text == "exported to \(file)" && FileManager.default.fileExists(atPath: file))
            case .showLeaderboard: #expect(text == "history is off for this run: no votes to rate")
            default: #expect(text == "history is off for this run", "\(command)")
            }
        }
    }

    /// A provider whose model list always fails: its health check says down.
    struct Unreachable: Provider {
        let name = "dead"
        func listModels() async throws -> [ModelInfo] {
            throw ProviderError(.network, provider: "dead", model: "*", message: "cannot connect to 127.0.0.1:9: connection refused")
        }
        func stream(_ request: ProviderRequest) async throws -> ProviderStream { throw CancellationError() }
    }

    @Test("at start the shown providers are checked, so the panel says ok or down before anything is asked; /model add checks a new one")
    func providersAreCheckedBeforeTheyAreAsked() async throws {
        var configuration = GenesisConfiguration()
        configuration.simulatorSpeed = 0
        // Configured, but it cannot start (as a provider without its key): no adapter made here.
        configuration.providers["keyless"] = ProviderConfiguration(kind: "openai")
        let registry = ModelRegistry(configuration: configuration)
        try await registry.addProvider(name: "dead", provider: Unreachable())
        let (reports, sink) = AsyncStream<Message>.makeStream()
        let runner = CommandRunner(registry: registry, storage: nil, deployments: nil, setTheme: { _ in }, preferencesFile: "/nonexistent/console.toml",
                                   simulated: ["sim"], post: { sink.yield($0) }, deliver: { sink.yield($0) })
        var state = ConsoleState(models: ["sim:fast", "dead:m", "keyless:m"])
        runner.run(.checkProviders(["dead", "keyless", "sim"]), in: state)
        // Two panel refreshes: what is known at once (nothing yet), and what the checks found.
        var panels: [[String: HealthState]] = []
        for await message in reports {
            guard case .providers(let summaries) = message else { continue }
            panels.append(Dictionary(uniqueKeysWithValues: summaries.map { ($0.name, $0.health) }))
            if panels.count == 2 { break }
        }
        #expect(panels.contains(["sim": .ok, "dead": .down, "keyless": .down]), "\(panels)")
        _ = state.update(.providers([ProviderSummary(name: "sim", isSimulated: true, health: .ok)]))
        state.input.set("/model add sim:deep")
        #expect(state.update(.key(.enter)) == [], "a provider the panel shows is not checked again")
        state.input.set("/model add openai:gpt-5.5")
        #expect(state.update(.key(.enter)) == [.checkProviders(["openai"])], "only the new provider is checked")
    }
}
