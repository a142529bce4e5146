import Foundation
import GenesisEngine
import GenesisEvaluation
import GenesisReport
import GenesisStore
import Synchronization

/// Carries out what ``ConsoleState/update(_:)`` asks for, off the input loop: each command runs
/// in a task of its own and reports back in messages, which go through `update` like keys do.
/// Storage, files, deployments and the model streams are touched here and nowhere else; the
/// state a command needs is the copy it was issued with (a value: reading it races nothing).
final class CommandRunner: Sendable {
    let registry: ModelRegistry
    let storage: Storage?
    let deployments: DeploymentOrchestrator?
    /// Draws with a theme from now on (``TerminalBackend/setTheme(_:)``).
    let setTheme: @Sendable (Theme) -> Void
    let preferencesFile: String
    /// Providers answering without a network (no API key): a reopened conversation's panes say so.
    let simulated: Set<String>
    /// Hands a message to the loop.
    let post: @Sendable (Message) -> Void
    /// Hands a message to the loop in order with the streams' events (through the stream
    /// inbox): what a send reports before its answers (the model an environment serves) comes
    /// before them.
    let deliver: @Sendable (Message) -> Void

    /// The commands still running, by a number of their own (each removes itself as it ends).
    private struct Running {
        var next = 0
        var sends: [Int: Task<Void, Never>] = [:]
        var others: [Int: Task<Void, Never>] = [:]
    }
    private let running = Mutex(Running())

    init(registry: ModelRegistry, storage: Storage?, deployments: DeploymentOrchestrator?, setTheme: @escaping @Sendable (Theme) -> Void,
         preferencesFile: String,
         simulated: Set<String>, post: @escaping @Sendable (Message) -> Void, deliver: @escaping @Sendable (Message) -> Void) {
        self.registry = registry
        self.storage = storage
        self.deployments = deployments
        self.setTheme = setTheme
        self.preferencesFile = preferencesFile
        self.simulated = simulated
        self.post = post
        self.deliver = deliver
    }

    /// Starts `command`, issued by `update` when the state became `state`. `.quit` is the loop's.
    func run(_ command: Command, in state: ConsoleState) {
        switch command {
        case .quit:
            break
        case .cancelAll:
            running.withLock { $0.sends.values.forEach { $0.cancel() } }
        case .refreshProviders:
            refreshProviders(Array(Set(state.panes.map(\.model.provider))).sorted())
        case .checkProviders(let names):
            let shown = Array(Set(state.panes.map(\.model.provider))).sorted()
            refreshProviders(shown)
            track(isSend: false) {
                await withTaskGroup(of: Void.self) { group in
                    for name in names { group.addTask { _ = try? await self.registry.checkHealth(provider: name) } }
                }
                self.refreshProviders(shown)
            }
        case .newConversation:
            break // update forgot the conversation: the next prompt starts one
        case .send(let prompt, let panes):
            track(isSend: true) { await self.send(prompt, to: panes, in: state) }
        case .startArena(let prompt):
            var order = Array(state.panes.indices)
            order.shuffle() // where each model lands, and so its letter, is random
            post(.arenaStarted(order: order, prompt: prompt))
        default:
            track(isSend: false) { for message in await self.outcome(of: command, in: state) { self.post(message) } }
        }
    }

    /// Cancels every command still running (the console is closing).
    func cancelAll() {
        running.withLock { running in (Array(running.sends.values) + running.others.values).forEach { $0.cancel() } }
    }

    /// Waits for the sends to end: cancelled answers mark themselves in the history before the
    /// process ends (saving a long answer takes a moment).
    func sendsEnded() async {
        for task in running.withLock({ Array($0.sends.values) }) { await task.value }
    }

    private func track(isSend: Bool, _ body: @escaping @Sendable () async -> Void) {
        running.withLock { running in
            let id = running.next
            running.next += 1
            let task = Task {
                await body()
                self.running.withLock { _ = isSend ? $0.sends.removeValue(forKey: id) : $0.others.removeValue(forKey: id) }
            }
            if isSend { running.sends[id] = task } else { running.others[id] = task }
        }
    }

    func refreshProviders(_ names: [String]) {
        Task {
            var summaries: [ProviderSummary] = []
            for name in names { summaries.append(await ConsoleApp.summary(registry, name)) }
            post(.providers(summaries))
            if let storage, let today = await ConsoleRecords.today(storage) { post(.todayCost(today)) }
        }
    }

    /// The messages a one-off command reports: what it found, or what went wrong. (One small
    /// function a command: the release compiler crashes splitting one large async function.)
    private func outcome(of command: Command, in state: ConsoleState) async -> [Message] {
        switch command {
        case .setTheme(let name): return [theme(name)]
        case .export(let path): return [export(state, to: path)]
        case .report(let id, let path): return [await report(id, to: path)]
        case .listHistory: return [await history()]
        case .openConversation(let reference): return [await open(reference)]
        case .runEvaluation(let path): return await evaluate(path, models: state.panes.map(\.model))
        case .showLeaderboard: return [await leaderboard()]
        case .savePreferences(let preferences): return save(preferences)
        case .vote(let votes): return await record(votes, conversationID: state.conversation?.id)
        case .computeDiff(let request): return [.diffComputed(DiffView(request))]
        case .attachImage(let path): return [attachImage(path)]
        case .recordBranch(let id, let model):
            do { try await storage?.recordBranch(conversationID: id, model: model) } catch { return [.notice("branch not recorded: \(error)")] }
            return []
        case .judge(let request): return await judge(request, conversationID: state.conversation?.id)
        case .quit, .cancelAll, .refreshProviders, .checkProviders, .newConversation, .send, .startArena:
            return [] // carried out by run(_:in:)
        }
    }

    private func theme(_ name: String) -> Message {
        do {
            guard let file = Theme.locate(name, environment: ProcessInfo.processInfo.environment) else {
                throw Theme.LoadError(file: name, message: "no such theme; themes: dark, light, high-contrast, monochrome, or a .toml file")
            }
            let loaded = try Theme.load(file: file)
            setTheme(loaded)
            return .notice("theme \(loaded.name)")
        } catch {
            return .notice("\(error)")
        }
    }

    private func export(_ state: ConsoleState, to path: String) -> Message {
        do {
            try ConsoleApp.exportMarkdown(state).write(toFile: (path as NSString).expandingTildeInPath, atomically: true, encoding: .utf8)
            return .notice("exported to \(path)")
        } catch {
            return .notice("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Read and checked as `ask --image` reads an image: its size, and its content against its name.
    private func attachImage(_ path: String) -> Message {
        do {
            return .imageAttached(ImageAttachment(name: Sanitizer.clean((path as NSString).lastPathComponent),
                                                  source: try ImageSource.file((path as NSString).expandingTildeInPath)))
        } catch {
            return .notice("\(error)")
        }
    }

    /// As `genesis report` writes it: escape sequences a model wrote are no use in a file meant
    /// for a browser or an editor.
    private func report(_ id: String, to path: String) async -> Message {
        guard let storage else { return .notice("history is off for this run: there is no recorded conversation to report") }
        let markdown = ["md", "markdown"].contains((path as NSString).pathExtension.lowercased())
        let report: ConversationReport
        do { report = try await ConversationReport.load(id, from: storage) } catch { return .notice("no report: \(error)") }
        do {
            try Sanitizer.clean(markdown ? report.markdown : report.html + "\n", .escapesOnly)
                .write(toFile: (path as NSString).expandingTildeInPath, atomically: true, encoding: .utf8)
        } catch {
            return .notice("cannot write \(path): \(error.localizedDescription)")
        }
        return .notice("report written to \(path) (\(markdown ? "Markdown" : "HTML"))")
    }

    private func history() async -> Message {
        guard let storage else { return .notice("history is off for this run") }
        do { return .historyListed(try await ConsoleRecords.list(storage)) } catch { return .notice("\(error)") }
    }

    private func open(_ reference: String) async -> Message {
        guard let storage else { return .notice("history is off for this run") }
        do {
            return .conversationLoaded(try await ConsoleRecords.load(reference, from: storage, simulated: simulated.union(["sim"])))
        } catch {
            return .notice("\(error)")
        }
    }

    private func evaluate(_ path: String, models: [ModelID]) async -> [Message] {
        do {
            let suite = try SuiteLoader.load(file: (path as NSString).expandingTildeInPath)
            return await evaluate(suite, file: path, models: models)
        } catch {
            return [.notice("\(error)")]
        }
    }

    private func evaluate(_ suite: EvaluationSuite, file path: String, models: [ModelID]) async -> [Message] {
        post(.notice("evaluating \(suite.cases.count) case(s) on \(models.count) model(s)…"))
        let report = await ModelEvaluator(registry: registry).run(suite, models: models) { [post] done, total in
            post(.notice("evaluating: \(done)/\(total) answers"))
        }
        let run = try? await storage?.saveEvaluation(report, file: path)
        var lines = report.matrix().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let run { lines.append("saved as run \(run): genesis eval --compare compares runs") }
        return [.overlay(TextOverlay(title: "Evaluation: \(suite.description ?? path)", lines: lines)),
                .notice("evaluation done: \(report.models.map { "\($0.model) \($0.passed)/\($0.cases.count)" }.joined(separator: ", "))")]
    }

    private func leaderboard() async -> Message {
        guard let storage else { return .notice("history is off for this run: no votes to rate") }
        do {
            let votes = try await storage.votes()
            let table = Ratings.table(Ratings.leaderboard(votes), votes: votes.count)
            return .overlay(TextOverlay(title: "Leaderboard (Bradley-Terry, 95% bootstrap intervals)", lines: table.split(separator: "\n").map(String.init)))
        } catch {
            return .notice("\(error)")
        }
    }

    private func save(_ preferences: ConsolePreferences) -> [Message] {
        do { try preferences.save(file: preferencesFile) } catch {
            return [.notice("not kept for the next console: cannot write \(preferencesFile): \(error.localizedDescription)")]
        }
        return []
    }

    /// The judge's verdicts, recorded as `compare --judge` records them (beside the
    /// conversation, for `genesis leaderboard --judge`). Its requests go through the registry:
    /// limited, retried, priced and counted like the panes'.
    private func judge(_ request: JudgeRequest, conversationID: String?) async -> [Message] {
        let judgement: Judgement
        do {
            judgement = try await Judge(model: request.judge, registry: registry)
                .judge(prompt: request.prompt, answers: request.answers.map { ($0.model, $0.text) })
        } catch {
            return [.notice("the judge \(request.judge): \(error)")]
        }
        do { try await storage?.recordJudgement(judgement, conversationID: conversationID) } catch {
            return [.judged(judgement), .notice("verdicts not saved: \(error)")]
        }
        return [.judged(judgement)]
    }

    private func record(_ votes: [ArenaVote], conversationID: String?) async -> [Message] {
        do { try await storage?.recordVotes(votes, conversationID: conversationID) } catch { return [.notice("vote not saved: \(error)")] }
        return []
    }

    /// Sends `prompt` to `panes`: an environment's pane asks what it serves now (the canary for
    /// its share), the prompt is recorded before anything is sent (as the input content rules
    /// allow it to be kept), then each pane streams its answer, recorded as it comes.
    private func send(_ prompt: String, to panes: [Int], in state: ConsoleState) async {
        var requests: [Int: GenerationRequest] = [:], serving: [Int: Deployment] = [:]
        for index in panes {
            var request = ConsoleApp.makeRequest(state, pane: index)
            if let name = state.panes[index].environment, let deployments {
                do {
                    let deployment = try await deployments.resolve(environment: name)
                    serving[index] = deployment
                    request = ConsoleApp.makeRequest(state, pane: index, defaults: deployment.parameters)
                    request.model = deployment.model
                    deliver(.serving(pane: index, model: deployment.model, isSimulated: await registry.isSimulated(deployment.model.provider)))
                } catch {
                    deliver(.notice("\(error)"))
                }
            }
            requests[index] = request
        }
        var recorders: [Int: AnswerRecorder] = [:]
        var conversationID = state.conversation?.id
        do {
            let filter = registry.configuration.security.filter
            if let recording = try await ConversationRecorder.record(prompt, system: state.system, in: conversationID, source: "console",
                                                                     storage: storage, filter: filter) {
                conversationID = recording.conversationID
                if let created = recording.created { deliver(.conversationStarted(ConsoleRecords.entry(created))) }
                try? await storage?.addPromptHistory(filter.storable(prompt))
                for index in panes { recorders[index] = try await recording.recorder(for: requests[index]!) } // one for each pane, above
            }
        } catch {
            deliver(.notice("not recorded: \(error)"))
        }
        refreshProviders(Array(Set(requests.values.map(\.model.provider)).union(state.panes.map(\.model.provider))).sorted())
        await withTaskGroup(of: Void.self) { group in
            for index in panes {
                let request = requests[index]! // one for each pane, above
                // Read at most once per pacing interval once text flows, and handle each read on
                // the thread that read it: the process wakes once per interval, not twice per packet.
                let base = RequestOptions(conversationID: conversationID, readPacing: ConsoleApp.readPacing, decodeOnReadingThread: true)
                let options = serving[index]?.requestOptions(base) ?? base
                let recorder = recorders[index]
                group.addTask { [registry, deliver] in
                    do {
                        // Events straight from the request's task to the inbox: no hop per token.
                        let result = try await registry.generate(request, options: options) { event in
                            if case .text(let delta) = event { recorder?.append(delta) }
                            if case .reasoning(let delta) = event { recorder?.appendReasoning(delta) }
                            deliver(.event(pane: index, event, at: .now)) // stamped: thinking time is measured from these
                        }
                        await recorder?.finish(result)
                    } catch {
                        let category = (error as? any GenesisError)?.category ?? .server
                        let text = (error as? ProviderError)?.message ?? "\(error)"
                        let cancelled = Task.isCancelled || category == .cancelled
                        await recorder?.fail(cancelled ? .cancelled : .error, error: "\(error)")
                        deliver(.failed(pane: index, category: cancelled ? .cancelled : category, message: text, at: .now))
                    }
                }
            }
        }
    }
}
