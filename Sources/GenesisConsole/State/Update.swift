import Foundation
import GenesisEngine
import GenesisEvaluation

extension ConsoleState {
    /// The only place state changes; no I/O. Returns what the runtime must do.
    public mutating func update(_ message: Message) -> [Command] {
        switch message {
        case .key(let key): return handle(key)
        case .resized: return []
        case .event(let index, let event, let instant):
            guard panes.indices.contains(index) else { return [] }
            return apply(event, to: index, at: instant)
        case .failed(let index, let category, let text, let instant):
            guard panes.indices.contains(index) else { return [] }
            panes[index].phase = category == .cancelled ? .cancelled : .failed(category, text)
            panes[index].stopThinking(at: instant)
            panes[index].closeFailedAnswer()
            endRoundIfDone()
            return [.refreshProviders]
        case .providers(let summaries):
            providers = summaries
            return []
        case .todayCost(let dollars):
            todayCost = dollars
            return []
        case .budgetAlert(let text):
            budgetAlert = text
            notice = text
            return []
        case .notice(let text):
            notice = text
            return []
        case .historyListed(let entries):
            historyList = entries
            if entries.isEmpty { historyList = nil; notice = "no recorded conversations yet" }
            return []
        case .conversationStarted(let entry):
            conversation = entry
            return []
        case .conversationLoaded(let loaded):
            load(loaded)
            return [.refreshProviders]
        case .serving(let index, let model, let isSimulated):
            guard panes.indices.contains(index) else { return [] }
            panes[index].model = model
            panes[index].isSimulated = isSimulated
            return []
        case .overlay(let overlay):
            self.overlay = overlay
            return []
        case .imageAttached(let image):
            attachments.append(image)
            notice = "\(image.name) goes with the next prompt\(attachments.count > 1 ? " (\(attachments.count) images)" : ""); /image clear drops it"
            return []
        case .judged(let judgement):
            sessionCost += judgement.cost
            overlay = TextOverlay(title: "Judge \(judgement.judge): \(judgement.winner.map { "\($0) wins" } ?? "no winner")",
                                  lines: judgement.lines, wraps: true)
            notice = "verdicts saved: genesis leaderboard --judge ranks the judges' verdicts"
            return [.refreshProviders]
        case .diffComputed(let view):
            diff = view
            notice = nil
            return []
        case .arenaStarted(let order, let prompt):
            guard order.sorted() == Array(panes.indices) else { return [] }
            panes = order.map { panes[$0] }
            let letters = ArenaChoice.labels(count: panes.count)
            let labels = Dictionary(uniqueKeysWithValues: zip(panes.indices, letters).map { ($0, $1) })
            arena = ArenaRound(labels: labels)
            for (index, label) in labels { panes[index].blindLabel = label }
            let commands = send(prompt, keepArena: true)
            if commands.isEmpty { endArena() }
            notice = "blind round: when the answers are done, type \(ArenaChoice.prompt(labels: letters)), then Enter; Esc skips"
            return commands
        }
    }

    private mutating func endArena() {
        arena = nil
        for i in panes.indices { panes[i].blindLabel = nil }
    }

    /// A line typed while a finished blind round waits for its vote: a letter, t (tie) or n (both
    /// bad). It takes Enter, so a prompt that happens to start with a vote's letter stays a prompt.
    private mutating func vote(_ text: String) -> [Command]? {
        guard let round = arena, !round.revealed, !isStreaming else { return nil }
        let lettered = round.labels.sorted { $0.value < $1.value } // the round's order, with each pane's letter
        let order = lettered.map(\.key), letters = lettered.map(\.value)
        guard let choice = ArenaChoice.parse(text, labels: letters) else { return nil }
        let answered = order.map { index -> Bool in
            if case .done = panes[index].phase { return true }
            return false
        }
        if case .better(let position) = choice, !answered[position] {
            notice = "\(letters[position]) gave no answer: vote for an answer, t, n, or Esc to skip"
            return []
        }
        let votes = choice.votes(order.map { panes[$0].model }, answered: answered)
        arena?.revealed = true
        for i in panes.indices { panes[i].blindLabel = nil }
        let reveal = lettered.map { "\($0.value) was \(panes[$0.key].model)" }.joined(separator: ", ")
        if votes.isEmpty {
            notice = "fewer than two answers came, so nothing was recorded. \(reveal)"
            return []
        }
        let skipped = answered.contains(false) ? " (models with no answer were left out)" : ""
        notice = "vote: \(choice.description(labels: letters))\(skipped). \(reveal)"
        return [.vote(votes)]
    }

    /// Replaces the panes with a recorded conversation's, ready to continue it.
    private mutating func load(_ loaded: LoadedConversation) {
        roundSummary = nil
        roundPanes = []
        panes = loaded.panes.map { recorded in
            var pane = PaneState(model: recorded.model, isSimulated: recorded.isSimulated, retirement: retirements[recorded.model])
            func showUnanswered(before index: Int) {
                for prompt in recorded.unanswered[index] ?? [] {
                    pane.appendPrompt(prompt)
                    pane.appendAnswer("[no answer: nothing came before the run ended or the request failed]")
                    pane.closeAnswer(turn: nil)
                }
            }
            for (index, turn) in recorded.turns.enumerated() {
                if turn.role == .user {
                    showUnanswered(before: index)
                    pane.appendPrompt(turn.text)
                } else {
                    if let reasoning = recorded.reasoning[index] { pane.restoreThinking(reasoning) }
                    pane.appendAnswer(pane.sanitizer.value.clean(turn.text))
                    if recorded.unfinished.contains(index) { pane.appendAnswer("\n[unfinished: the answer stopped here]") }
                    pane.closeAnswer(turn: turn.text)
                }
            }
            showUnanswered(before: recorded.turns.count)
            return pane
        }
        system = loaded.system
        conversation = loaded.entry
        focus = nil
        zoomed = false
        // /retry sends the latest prompt again, the one left unanswered included.
        lastPrompt = loaded.panes.compactMap { $0.unanswered[$0.turns.count]?.last }.first
            ?? loaded.panes.flatMap(\.turns).last { $0.role == .user }?.text
        notice = "continuing \"\(loaded.entry.title)\" (\(loaded.entry.id.prefix(8)))"
    }

    /// A key: what ``Bindings`` binds it to, else an edit of the prompt.
    private mutating func handle(_ key: Key) -> [Command] {
        if key != .ctrl("c") { quitArmed = false }
        let action = Bindings.action(for: key, promptIsEmpty: input.isEmpty)
        if showHelp || historyList != nil || overlay != nil, action != .quit {
            showHelp = false // any key closes the overlays
            historyList = nil
            overlay = nil
            return []
        }
        if diff != nil { // the diff view takes Esc, its key and the scrolling keys; the prompt works as ever
            switch action {
            case .diff:
                diff = nil
                return []
            case .cancel where key == .escape:
                diff = nil
                return []
            case .scroll:
                let step = key == .pageUp || key == .wheelUp ? -10 : 10
                if let view = diff { diff?.scroll = max(0, min(view.scroll + step, view.layout.longest)) }
                return []
            default:
                break
            }
        }
        switch action {
        case .quit:
            return [.quit]
        case .cancel:
            if isStreaming {
                notice = "cancelled"
                return [.cancelAll]
            }
            if key == .escape, arena?.revealed == false {
                endArena() // skipped: nothing is recorded
                notice = "blind round skipped"
                return []
            }
            if key == .escape { focus = nil; zoomed = false; return [] }
            if quitArmed { return [.quit] }
            quitArmed = true
            notice = "press Ctrl-C again to quit (Ctrl-Q quits at once)"
            return []
        case .help:
            showHelp = true
            return []
        case .focus where key == .backTab:
            focus = panes.isEmpty ? nil : focus.map { $0 > 0 ? $0 - 1 : nil } ?? panes.count - 1
            return []
        case .focus:
            focus = panes.isEmpty ? nil : focus.map { $0 + 1 < panes.count ? $0 + 1 : nil } ?? 0
            return []
        case .toggleThinking:
            return showThinking(nil, allPanes: focus == nil)
        case .zoom:
            zoomed.toggle()
            if zoomed, focus == nil, !panes.isEmpty { focus = 0 }
            return []
        case .scroll:
            scroll(by: key == .pageUp || key == .wheelUp ? 10 : -10)
            return []
        case .syncScroll:
            if scrollSync == nil {
                // From where the focused pane is, as near as its lines tell.
                let start = focus.map { Double(panes[$0].scroll) / Double(max(1, panes[$0].layout.lineCount)) } ?? 0
                scrollSync = ScrollSync(fraction: start)
                notice = "panes scroll together (PgUp/PgDn); Ctrl-S again: each on its own"
            } else {
                scrollSync = nil
                notice = "each pane scrolls on its own"
            }
            return []
        case .diff:
            return showDiff(of: [])
        case .branch:
            guard let index = focus else { notice = "focus the pane to branch from (Tab), or type /branch N"; return [] }
            return branch(from: index)
        case .send:
            return submit()
        case .edit, nil:
            _ = input.handle(key)
            return []
        }
    }

    private mutating func scroll(by lines: Int) {
        if scrollSync != nil {
            scrollSync?.scroll(by: lines, longest: panes.map(\.layout.lineCount).max() ?? 0)
            return
        }
        let targets = focus.map { [$0] } ?? Array(panes.indices)
        for i in targets { panes[i].scroll = max(0, panes[i].scroll + lines) }
    }

    private mutating func submit() -> [Command] {
        let text = input.take().trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        if let commands = vote(text) { return commands }
        if text.hasPrefix("/") { return run(text) }
        if let path = ImageAttachment.path(in: text) { return [.attachImage(path: path)] } // ~/cat.png, './cat.png'
        return send(text)
    }

    private mutating func send(_ prompt: String, keepArena: Bool = false) -> [Command] {
        var unvoted = false
        if !keepArena, let round = arena {
            if isStreaming { notice = "still answering: wait, or press Esc to cancel"; return [] }
            unvoted = !round.revealed
            endArena() // a new prompt ends the round (unvoted rounds record nothing)
        }
        guard !panes.isEmpty else {
            notice = "no models: add one with /model add provider:model"
            return []
        }
        if isStreaming {
            notice = "still answering: wait, or press Esc to cancel"
            return []
        }
        lastPrompt = prompt
        diff = nil
        notice = unvoted ? "the blind round ended without a vote" : nil
        let targets = focus.map { [$0] } ?? Array(panes.indices)
        let images = attachments
        attachments = []
        for i in targets {
            panes[i].appendPrompt(prompt, images: images)
            panes[i].phase = .waiting
            panes[i].timeToFirstToken = nil
            panes[i].latency = nil
            panes[i].tokensPerSecond = nil
            panes[i].outputTokens = nil
            panes[i].reasoningTokens = nil
            panes[i].cost = nil
            panes[i].servedBy = nil
            panes[i].scroll = 0
        }
        roundPanes = targets
        roundSummary = nil
        return [.send(prompt: prompt, panes: targets)]
    }

    /// `/diff` and its key: the panes' last answers compared word by word. `names` picks two
    /// panes (``ConsoleState/pane(named:)``); none: the focused pane and the next, two panes
    /// against each other, or three or more with none focused, each against the majority.
    private mutating func showDiff(of names: [String]) -> [Command] {
        guard panes.count >= 2 else { notice = "a diff needs two panes: /model add provider:model"; return [] }
        guard arena.map(\.revealed) != false else { notice = "after the vote: a diff would give the models away"; return [] }
        var chosen: [Int] = []
        switch names.count {
        case 0:
            chosen = focus.map { [$0, ($0 + 1) % panes.count] } ?? (panes.count == 2 ? [0, 1] : Array(panes.indices))
        case 2:
            for name in names {
                guard let index = pane(named: name) else { notice = unknownPane(name); return [] }
                chosen.append(index)
            }
            guard chosen[0] != chosen[1] else { notice = "/diff compares two different panes: /diff 1 2"; return [] }
        default:
            notice = "usage: /diff, or /diff A B with A and B pane numbers (1 to \(panes.count)) or models"
            return []
        }
        var answers: [DiffRequest.Answer] = []
        for index in chosen {
            guard let text = panes[index].lastAnswer else {
                notice = "\(panes[index].label) has no answer yet: send a prompt, and wait for it to finish"
                return []
            }
            answers.append(DiffRequest.Answer(pane: index, label: panes[index].label, text: Sanitizer.clean(text)))
        }
        notice = "comparing the answers…"
        return [.computeDiff(DiffRequest(answers: answers, againstMajority: chosen.count > 2))]
    }

    /// `/branch N` and its key: pane `index`'s history, its last answer included, becomes every
    /// pane's, so each model continues as if it had given that answer; each pane says so below
    /// what it shows, and the recorded conversation keeps the branch point.
    private mutating func branch(from index: Int) -> [Command] {
        guard !isStreaming else { notice = "answers are streaming: wait, or cancel them first (Esc)"; return [] }
        guard arena.map(\.revealed) != false else { notice = "after the vote: a branch would give the models away"; return [] }
        guard panes[index].lastAnswer != nil else {
            notice = "\(panes[index].label) has no answer to its last prompt to branch from"
            return []
        }
        let source = panes[index]
        let note = "↱ branch: from here every pane continues from \(source.label)'s answer"
        for i in panes.indices { panes[i].continueFrom(source, note: note) }
        notice = "every pane continues from \(source.label)'s answer"
        return conversation.map { [.recordBranch(conversationID: $0.id, model: source.model)] } ?? []
    }

    /// `/judge P:M`: the panes' answers to the last prompt, to be judged pairwise by that model.
    private mutating func judge(_ argument: String) -> [Command] {
        guard let model = ModelID(parsing: argument, kinds: kinds) else {
            notice = "usage: /judge provider:model (that model compares the panes' last answers)"
            return []
        }
        guard arena.map(\.revealed) != false else { notice = "after the vote: the judge would be told the models"; return [] }
        guard !isStreaming else { notice = "answers are streaming: the judge waits for them to finish"; return [] }
        let answers = panes.compactMap { pane in pane.lastAnswer.map { JudgeRequest.Answer(model: pane.model, text: $0) } }
        guard answers.count >= 2, let prompt = lastPrompt else {
            notice = "the judge needs two answers to the last prompt or more, and there \(answers.count == 1 ? "is one" : "are none")"
            return []
        }
        let pairs = answers.count * (answers.count - 1) / 2
        notice = "\(model) is judging \(pairs) pair\(pairs == 1 ? "" : "s"), each in both orders…"
        return [.judge(JudgeRequest(judge: model, prompt: prompt, answers: answers))]
    }

    /// Once every pane of the round has finished, who won what is worked out, once.
    private mutating func endRoundIfDone() {
        guard !roundPanes.isEmpty, !roundPanes.contains(where: { panes.indices.contains($0) && panes[$0].isBusy }) else { return }
        roundSummary = RoundSummary(panes, round: roundPanes)
        roundPanes = []
    }

    /// A command line: what ``Bindings/commands`` names its first word.
    private mutating func run(_ line: String) -> [Command] {
        let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
        let argument = line.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        guard let action = Bindings.action(forCommand: parts[0]) else {
            if let path = ImageAttachment.path(in: line) { return [.attachImage(path: path)] } // an image's path, typed or pasted
            notice = "unknown command \(parts[0]); /help lists the commands"
            return []
        }
        switch action {
        case .quit:
            return [.quit]
        case .help:
            showHelp = true
        case .theme:
            guard !argument.isEmpty else { notice = "usage: /theme NAME (dark, light, high-contrast, monochrome) or /theme FILE"; return [] }
            return [.setTheme(argument)]
        case .export:
            guard !argument.isEmpty else { notice = "usage: /export FILE (Markdown)"; return [] }
            return [.export(path: argument)]
        case .image:
            if argument == "clear" {
                attachments = []
                notice = "no images go with the next prompt"
                return []
            }
            guard !argument.isEmpty else { notice = "usage: /image FILE (PNG, JPEG, GIF or WebP, with the next prompt), or /image clear"; return [] }
            return [.attachImage(path: argument)]
        case .report:
            guard !argument.isEmpty else { notice = "usage: /report FILE (HTML; a .md file gets Markdown)"; return [] }
            guard let id = conversation?.id else { notice = "nothing recorded yet: send a prompt first (the report is of the recorded conversation)"; return [] }
            return [.report(conversationID: id, path: argument)]
        case .history:
            return [.listHistory]
        case .evaluate:
            guard !argument.isEmpty else { notice = "usage: /eval FILE (a promptfoo suite; runs on every open pane's model)"; return [] }
            return [.runEvaluation(path: argument)]
        case .leaderboard:
            return [.showLeaderboard]
        case .diff:
            return showDiff(of: argument.split(separator: " ").map(String.init))
        case .judge:
            return judge(argument)
        case .branch:
            guard !argument.isEmpty else { notice = "usage: /branch N, with N a pane's number (1 to \(panes.count)) or its model"; return [] }
            guard let index = pane(named: argument) else { notice = unknownPane(argument); return [] }
            return branch(from: index)
        case .arena:
            guard !argument.isEmpty else { notice = "usage: /arena PROMPT (the open panes answer blind as A, B, ...)"; return [] }
            guard panes.count >= 2 else { notice = "the arena needs at least two panes: /model add provider:model"; return [] }
            guard !isStreaming else { notice = "answers are streaming: wait, or cancel them first (Esc)"; return [] }
            focus = nil
            return [.startArena(prompt: argument)]
        case .open:
            guard !argument.isEmpty else { notice = "usage: /open ID (from /history)"; return [] }
            guard !isStreaming else { notice = "answers are streaming: wait, or cancel them first (Esc)"; return [] }
            return [.openConversation(argument)]
        case .new:
            guard !isStreaming else { notice = "answers are streaming: wait, or cancel them first (Esc)"; return [] }
            for i in panes.indices {
                panes[i].clear()
                panes[i].phase = .idle
            }
            conversation = nil
            roundSummary = nil
            notice = "new conversation"
            return [.newConversation]
        case .clear:
            for i in panes.indices where !panes[i].isBusy {
                panes[i].clear()
                panes[i].phase = .idle
            }
            roundSummary = nil
            notice = "cleared"
        case .retry:
            guard let prompt = lastPrompt else { notice = "nothing to retry yet"; return [] }
            return send(prompt)
        case .system:
            system = argument.isEmpty ? nil : argument
            notice = system.map { "system prompt set (\($0.count) characters)" } ?? "system prompt cleared"
        case .temperature:
            guard let value = Double(argument), (0...2).contains(value) else { notice = "usage: /temp X, with X from 0 to 2"; return [] }
            temperature = value
            notice = "temperature \(value)"
        case .reasoning:
            guard let level = ReasoningLevel(rawValue: argument) else {
                notice = "usage: /reasoning LEVEL, with LEVEL one of \(ReasoningLevel.allCases.map(\.rawValue).joined(separator: ", "))"
                return []
            }
            reasoning = level
            notice = "reasoning \(level.rawValue)"
        case .thinking:
            let words = argument.split(separator: " ").map { $0.lowercased() }
            let all = words.first == "all" || focus == nil
            switch Array(words.drop { $0 == "all" }) {
            case []: return showThinking(nil, allPanes: all)
            case ["show"]: return showThinking(true, allPanes: all)
            case ["hide"]: return showThinking(false, allPanes: all)
            default: notice = "usage: /thinking [all] [show|hide] (the focused pane, or all panes; alone, it toggles)"
            }
        case .maxTokens:
            guard let value = Int(argument), (1...10_000_000).contains(value) else { notice = "usage: /max-tokens N, with N from 1 to 10000000"; return [] }
            maxTokens = value
            notice = "max tokens \(value)"
        case .model:
            guard parts.count == 3, let id = ModelID(parsing: parts[2], kinds: kinds) else {
                notice = "usage: /model add provider:model, or /model remove provider:model"
                return []
            }
            if parts[1] == "add" {
                guard !panes.contains(where: { $0.model == id }) else { notice = "\(id) is already open"; return [] }
                panes.append(PaneState(model: id, isSimulated: id.provider == "sim", retirement: retirements[id]))
                notice = "added \(id)"
                // A provider new to the panel is checked at once, not shown unknown until asked.
                if !providers.contains(where: { $0.name == id.provider }) { return [.checkProviders([id.provider])] }
            } else if parts[1] == "remove" {
                guard let index = panes.firstIndex(where: { $0.model == id }) else { notice = "\(id) is not open"; return [] }
                guard !isStreaming else { notice = "answers are streaming: wait, or cancel them first (Esc)"; return [] }
                panes.remove(at: index)
                if let f = focus, f >= panes.count { focus = panes.isEmpty ? nil : panes.count - 1 }
                notice = "removed \(id)"
            } else {
                notice = "usage: /model add provider:model, or /model remove provider:model"
            }
        }
        return []
    }

    /// Ctrl-T and `/thinking`: each answer's reasoning shown whole above it, or as a one-line
    /// summary (`expanded` nil toggles), in the focused pane or in every pane. The choice for
    /// every pane is saved for the next console; a pane's own lasts while it is open.
    private mutating func showThinking(_ expanded: Bool?, allPanes: Bool) -> [Command] {
        func shown(_ value: Bool) -> String { value ? "reasoning shown whole" : "reasoning collapsed to a summary" }
        guard !allPanes, let index = focus, panes.indices.contains(index) else {
            expandsThinking = expanded ?? !expandsThinking
            for i in panes.indices { panes[i].expandsThinking = nil }
            notice = "\(shown(expandsThinking)) in every pane (Ctrl-T \(expandsThinking ? "collapses" : "expands"); kept for the next console)"
            return [.savePreferences(ConsolePreferences(expandsThinking: expandsThinking))]
        }
        let value = expanded ?? !expandsThinking(index)
        panes[index].expandsThinking = value
        notice = "\(panes[index].blindLabel ?? panes[index].label): \(shown(value)) (Ctrl-T with no pane focused: every pane)"
        return []
    }

    private mutating func apply(_ event: GenerationEvent, to i: Int, at instant: ContinuousClock.Instant?) -> [Command] {
        switch event {
        case .started(let model, let attempt):
            panes[i].servedBy = model == panes[i].model ? nil : model
            if attempt == 1, panes[i].phase != .streaming { panes[i].phase = .waiting }
        case .text(let delta):
            panes[i].stopThinking(at: instant)
            panes[i].appendAnswer(panes[i].sanitizer.value.clean(delta))
            panes[i].phase = .streaming
        case .reasoning(let delta):
            panes[i].appendReasoning(panes[i].reasoningSanitizer.value.clean(delta), at: instant)
        case .notice(let text):
            notice = "\(panes[i].blindLabel ?? panes[i].label): " + Sanitizer.clean(text)
        case .retry(let notice):
            panes[i].phase = .retrying(String(format: "retry %d in %.1fs", notice.attempt + 1, notice.delay.seconds))
        case .fallback(let notice):
            panes[i].phase = .retrying("falling back to \(notice.to)")
        case .usage(let usage):
            panes[i].outputTokens = usage.outputTokens
            panes[i].usageEstimated = usage.isEstimated
            panes[i].reportReasoningTokens(usage.reasoningTokens)
        case .finish:
            break // the pane stays busy until `completed` has recorded the answer
        case .completed(let result):
            panes[i].phase = .done(result.finishReason)
            panes[i].timeToFirstToken = result.timeToFirstToken
            panes[i].latency = result.latency
            panes[i].tokensPerSecond = result.tokensPerSecond
            panes[i].outputTokens = result.usage.outputTokens
            panes[i].usageEstimated = result.usage.isEstimated
            panes[i].cost = result.cost
            panes[i].costKnown = result.cost != nil
            panes[i].completeThinking(result, at: instant)
            if let dollars = result.cost?.dollars { sessionCost += dollars }
            if let rate = result.tokensPerSecond {
                throughputHistory.append(rate)
                if throughputHistory.count > 40 { throughputHistory.removeFirst() }
            }
            panes[i].closeAnswer(turn: result.text)
            endRoundIfDone()
            return [.refreshProviders]
        }
        return []
    }

}
