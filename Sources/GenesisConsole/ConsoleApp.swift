import Foundation
import GenesisEngine
import GenesisStore

/// Runs the console: terminal events and engine streams become messages, messages update the
/// state, the state is rendered to a frame and the backend draws what changed.
///
/// Frames are demand-driven: nothing is drawn while nothing happens, and while answers stream,
/// deltas are coalesced into about one frame per read interval (50 ms; 33 ms when reads are not
/// paced; one due within a fifth of that is drawn at once). Keys are drawn as soon as the read
/// that brought them is handled, in one frame however many keys it held. A frame lays out at
/// most a budget of new text (``LayoutCache/budget``); more (a multi-megabyte delta, a new width
/// for a long history) is laid out in steps of that size, each queued behind the keys that came
/// first, so a key never waits for more than one step.
public enum ConsoleApp {
    /// As often as a streaming connection is read: a faster rate would mostly redraw panes whose
    /// text has not changed (what each rate costs: Benchmarks/README.md). Clamped to
    /// `minimumFrameInterval...maximumFrameInterval` whatever the pacing.
    static let frameInterval: Duration = min(max(readPacing ?? minimumFrameInterval, minimumFrameInterval), maximumFrameInterval)
    /// The shortest and the longest time between frames while text streams.
    static let minimumFrameInterval: Duration = .milliseconds(33), maximumFrameInterval: Duration = .milliseconds(100)
    /// A frame due this much early is drawn now: reads come on the pacing ticks, give or take the
    /// decoding, and a frame a millisecond early must not cost a timer and a second wake.
    static let frameSlack: Duration = frameInterval / 5
    /// How often a streaming answer is read once its text flows (``RequestOptions/readPacing``):
    /// every 50 ms, 20 updates a second per pane, so the process wakes per interval rather than
    /// per network packet (figures in Benchmarks/README.md). `GENESIS_READ_PACING_MS` sets it;
    /// 0 reads every packet as it comes.
    static let readPacing: Duration? = ProcessInfo.processInfo.environment["GENESIS_READ_PACING_MS"].flatMap(Int.init)
        .map { $0 > 0 ? .milliseconds($0) : nil } ?? .milliseconds(50)

    private enum Input: Sendable {
        case message(Message)
        /// The keys of one read have been handed in: draw them in one frame.
        case keysDone
        case resized
        case frameDue
        /// The stream inbox has events (it says so once until they are taken).
        case streamed
        /// A pane's text is not all laid out yet: lay out the next part (after the keys that came).
        case layoutDue
    }

    /// Runs until the person quits; returns the exit status. Keys, stream events, timers and what
    /// commands report become messages; ``ConsoleState/update(_:)`` is the only thing that
    /// changes the state, and the commands it returns run off this loop (``CommandRunner``).
    /// The loop itself only feeds messages in and draws.
    /// - Parameters:
    ///   - environments: a pane for each, after the models' panes, asking what the environment
    ///     serves in `deployments`; it is resolved again at every prompt (canaries, redeploys).
    ///   - storage: where the conversation, prompt history and spending are kept (nil: nothing is recorded).
    ///   - resume: the id (or id prefix) of a recorded conversation to continue.
    public static func run(registry: ModelRegistry, models: [ModelID], environments: [String] = [],
                           deployments: DeploymentOrchestrator? = nil, theme: Theme? = nil, storage: Storage? = nil,
                           resume: String? = nil, notice: String? = nil, reasoning: ReasoningLevel? = nil) async -> Int32 {
        let preferencesFile = ConsolePreferences.path(environment: ProcessInfo.processInfo.environment)
        var (state, simulated) = await start(registry: registry, models: models, environments: environments, deployments: deployments,
                                             storage: storage, preferencesFile: preferencesFile, resume: resume, notice: notice, reasoning: reasoning)

        let backend = TerminalBackend(theme: theme)
        backend.start()
        let (inputs, sink) = AsyncStream<Input>.makeStream()
        let keys = Task {
            for await event in backend.events {
                switch event {
                case .keys(let keys):
                    for key in keys { sink.yield(.message(.key(key))) }
                    sink.yield(.keysDone)
                case .resized: sink.yield(.resized)
                }
            }
        }
        let alerts = Task {
            for await alert in registry.budgets.alerts { sink.yield(.message(.budgetAlert(alert.message))) }
        }
        _ = await registry.budgets.status() // alerts for thresholds already crossed today
        let inbox = StreamInbox()
        let runner = CommandRunner(registry: registry, storage: storage, deployments: deployments, setTheme: backend.setTheme,
                                   preferencesFile: preferencesFile, simulated: simulated,
                                   post: { sink.yield(.message($0)) },
                                   deliver: { if inbox.put($0) { sink.yield(.streamed) } })
        var frames = FrameScheduler(clock: ContinuousClock(), interval: frameInterval, slack: frameSlack)
        var layoutScheduled = false
        var lastRefresh = ContinuousClock.now - .seconds(10)

        /// Updates the state with `message` and starts what it asks for; true: quit.
        func handle(_ message: Message) -> Bool {
            for command in state.update(message) {
                if command == .quit { return true }
                if command == .refreshProviders { lastRefresh = .now }
                runner.run(command, in: state)
            }
            return false
        }
        func refreshWhileStreaming() {
            if state.isStreaming, ContinuousClock.now - lastRefresh > .seconds(1) {
                lastRefresh = .now
                runner.run(.refreshProviders, in: state)
            }
        }
        func present() {
            let size = backend.size
            backend.present(ConsoleRenderer.render(state, width: size.width, height: size.height))
            frames.drawn()
            scheduleLayout()
        }
        /// A frame lays out a bounded part of new text (``LayoutCache/budget``); a pane with more
        /// waiting gets the rest in steps of that size, each after the keys that came before it,
        /// so no amount of text keeps a key waiting longer than one step.
        func scheduleLayout() {
            guard !layoutScheduled, state.isLayingOut else { return }
            layoutScheduled = true
            sink.yield(.layoutDue)
        }
        /// Applies every streamed event (and what a send reported) that arrived since the last frame.
        func takeStreamed() {
            let messages = inbox.takeAll()
            guard !messages.isEmpty else { return }
            frames.noteChange() // drawn by the frame that takes them
            for message in messages { _ = handle(message) } // none of them quits
        }
        func requestFrame() {
            switch frames.changed() {
            case .draw:
                takeStreamed()
                present()
            case .setTimer(let due):
                Task { try? await ContinuousClock().sleep(until: due); sink.yield(.frameDue) }
            case .wait:
                break
            }
        }

        runner.run(.checkProviders(Array(Set(state.panes.map(\.model.provider))).sorted()), in: state)
        lastRefresh = .now
        present()
        loop: for await input in inputs {
            switch input {
            case .frameDue:
                takeStreamed()
                if frames.timerFired() { present() }
                refreshWhileStreaming()
            case .streamed:
                // Taken when the frame is due: at most one wakeup per frame, however fast tokens come.
                requestFrame()
            case .layoutDue:
                layoutScheduled = false
                state.layOutMore()
                requestFrame() // shows the progress at the frame rate
                scheduleLayout()
            case .resized:
                _ = handle(.resized)
                present()
            case .message(let message):
                takeStreamed() // a key acts on the panes as they are now
                if handle(message) { break loop }
                refreshWhileStreaming()
                if case .key = message { frames.noteChange() } else { requestFrame() } // keys: drawn once their read is handled
            case .keysDone:
                if frames.readDone() { present() } // what is typed shows at once, one frame per read
            }
        }
        runner.cancelAll()
        alerts.cancel()
        keys.cancel()
        // The terminal comes back at once; then cancelled answers mark themselves in the history
        // before the process ends (saving a long answer takes a moment: ~0.1 s for 6 MB).
        backend.stop()
        await runner.sendsEnded()
        return 0
    }

    /// The console as it opens: a pane for each model and environment (each provider set up, so
    /// limits and a missing key show before the first prompt), the choices kept from the last
    /// console, the prompt history, today's spending and the conversation to resume. Also which
    /// providers answer without a network.
    static func start(registry: ModelRegistry, models: [ModelID], environments: [String], deployments: DeploymentOrchestrator?,
                      storage: Storage?, preferencesFile: String, resume: String?, notice: String?,
                      reasoning: ReasoningLevel?) async -> (ConsoleState, simulated: Set<String>) {
        var simulated = Set<String>()
        var unavailable: [String] = []
        var models = models, paneEnvironments: [Int: String] = [:]
        if let deployments {
            for name in environments {
                do {
                    models.append(try await deployments.resolve(environment: name).model)
                    paneEnvironments[models.count - 1] = name
                } catch {
                    unavailable.append("\(error)")
                }
            }
        }
        for provider in Set(models.map(\.provider)).sorted() {
            // Up front, so limits show in the gauges and a missing key shows before the first prompt.
            do { try await registry.initializeProvider(provider) } catch { unavailable.append("\(provider): \(error)") }
            if await registry.isSimulated(provider) { simulated.insert(provider) }
        }
        // Which of the models it may show retire, from the catalog: those asked for, and those
        // the configuration lists (what /model add is likely to open).
        let today = ModelPrice.today()
        var retirements: [ModelID: String] = [:]
        let listed = registry.configuration.providers.flatMap { name, provider in provider.models.map { ModelID(provider: name, model: $0) } }
        for id in models + listed { retirements[id] = registry.price(for: id)?.retirement(on: today) }
        var state = ConsoleState(models: models, simulated: simulated, retirements: retirements)
        state.reasoning = reasoning
        state.kinds = registry.configuration.kinds
        var preferencesProblem: String?
        do { state.expandsThinking = try ConsolePreferences.load(file: preferencesFile).expandsThinking } catch { preferencesProblem = "\(error)" }
        for (index, name) in paneEnvironments { state.panes[index].environment = name }
        state.notice = simulated.count == Set(models.map(\.provider)).count
            ? "simulated models (no API keys found): type a prompt and press Enter" : "type a prompt and press Enter"
        if let notice { state.notice = notice }
        if let preferencesProblem { state.notice = preferencesProblem }
        if let problem = unavailable.first { state.notice = problem }
        if let storage {
            if let history = try? await storage.promptHistory() { state.input = LineEditor(history: history) }
            state.todayCost = await ConsoleRecords.today(storage)
            if let resume {
                do {
                    let loaded = try await ConsoleRecords.load(resume, from: storage, simulated: simulated.union(["sim"]))
                    _ = state.update(.conversationLoaded(loaded))
                } catch {
                    state.notice = "\(error)"
                }
            }
        } else if resume != nil {
            state.notice = "history is off (--no-history or [storage] history = false): nothing to resume"
        }
        return (state, simulated)
    }

    /// Every pane's conversation as Markdown, with the model and the figures of its last answer.
    static func exportMarkdown(_ state: ConsoleState) -> String {
        var out = "# Genesis session\n\n"
        if let system = state.system { out += "System prompt: \(system)\n\n" }
        for pane in state.panes {
            out += "## \(pane.label)\(pane.isSimulated ? " (simulated)" : "")\n\n"
            for turn in pane.turns {
                out += turn.role == .user ? "**Prompt:** \(turn.text)\n\n" : "\(turn.text)\n\n"
            }
            let figures = PaneWidget.figures(pane)
            if !figures.isEmpty { out += "_\(figures)_\n\n" }
        }
        out += "Session cost: \(Cost.format(state.sessionCost))\n"
        return out
    }

    /// The pane's conversation as a request: `/temp` and `/max` first, then `defaults` (what a
    /// deployment sets).
    static func makeRequest(_ state: ConsoleState, pane index: Int, defaults: GenerationParameters = .init()) -> GenerationRequest {
        let pane = state.panes[index]
        var messages: [ChatMessage] = []
        if let system = state.system { messages.append(.system(system)) }
        messages += pane.turns
        return GenerationRequest(model: pane.model, messages: messages,
                                 parameters: GenerationParameters(maxTokens: state.maxTokens, temperature: state.temperature,
                                                                  reasoning: state.reasoning).filled(from: defaults))
    }

    static func summary(_ registry: ModelRegistry, _ name: String) async -> ProviderSummary {
        let metrics = await registry.providerMetrics(name)
        let models = metrics.models
        let failures = models.reduce(0) { $0 + $1.errorCount }
        return ProviderSummary(
            name: name, isSimulated: await registry.isSimulated(name), health: metrics.health,
            errorRate: metrics.requests > 0 ? Double(failures) / Double(metrics.requests) : nil,
            latencyP50: models.compactMap { $0.latency?.p50 }.max(), latencyP95: models.compactMap { $0.latency?.p95 }.max(),
            ttftP50: models.compactMap { $0.timeToFirstToken?.p50 }.max(),
            requestsPerMinute: metrics.rateLimit.requestsPerMinute, requestsInLastMinute: metrics.rateLimit.requestsInLastMinute,
            tokensPerMinute: metrics.rateLimit.tokensPerMinute, tokensInLastMinute: metrics.rateLimit.tokensInLastMinute,
            waiting: metrics.rateLimit.waiting, costDollars: metrics.costDollars,
            lastError: models.compactMap(\.lastError).last)
    }
}
