import Foundation
import GenesisEngine
import GenesisStore
import GRDB
import Testing

/// A fresh database file in a temporary directory.
func temporaryDatabase(_ name: String = #function) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-store-\(UUID().uuidString)")
    return directory.appendingPathComponent("genesis.sqlite").path
}

func result(_ model: ModelID, text: String, input: Int = 10, output: Int = 20, dollars: Double? = 0.001) -> GenerationResult {
    GenerationResult(model: model, text: text, finishReason: .stop, usage: Usage(inputTokens: input, outputTokens: output),
                     cost: dollars.map { Cost(dollars: $0) }, latency: .milliseconds(1234), timeToFirstToken: .milliseconds(200))
}

@Suite("Storage: schema and conversations")
struct StorageTests {
    let sim = ModelID(provider: "sim", model: "fast")

    @Test("an empty database is created private to its owner, in WAL mode, with every migration applied")
    func emptyDatabase() async throws {
        let path = temporaryDatabase()
        let storage = try Storage(path: path)
        #expect(try storage.appliedMigrations().count == 9)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let directoryMode = try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[.posixPermissions] as? Int
        #expect(directoryMode == 0o700)
        let queue = try DatabaseQueue(path: path)
        #expect(try await queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test("a database of the previous schema upgrades in place and keeps its conversations and ledger rows")
    func migrationFromPreviousSchema() async throws {
        let path = temporaryDatabase()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // What version 1 wrote, by hand: the schema as v1 left it.
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try db.execute(sql: """
                CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                INSERT INTO grdb_migrations VALUES ('v1: conversations, messages, usage ledger');
                CREATE TABLE conversation (id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL, system TEXT,
                    created_at REAL NOT NULL, updated_at REAL NOT NULL);
                CREATE INDEX conversation_updated ON conversation(updated_at);
                CREATE TABLE message (id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id TEXT NOT NULL REFERENCES conversation(id) ON DELETE CASCADE, role TEXT NOT NULL, provider TEXT,
                    model TEXT, served_version TEXT, content TEXT NOT NULL, parameters TEXT, status TEXT NOT NULL, finish_reason TEXT,
                    error TEXT, input_tokens INTEGER, output_tokens INTEGER, cost_nanos INTEGER, latency_ms INTEGER, ttft_ms INTEGER,
                    created_at REAL NOT NULL, updated_at REAL NOT NULL);
                CREATE INDEX message_conversation ON message(conversation_id, id);
                CREATE TABLE usage (id INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL, time REAL NOT NULL,
                    provider TEXT NOT NULL, model TEXT NOT NULL, served_version TEXT, key_id TEXT, input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL, tokens_estimated INTEGER NOT NULL, cost_nanos INTEGER, cost_estimated INTEGER NOT NULL,
                    latency_ms INTEGER NOT NULL, ttft_ms INTEGER, outcome TEXT NOT NULL, error_type TEXT, status INTEGER, conversation_id TEXT);
                CREATE INDEX usage_time ON usage(time);
                CREATE INDEX usage_provider_time ON usage(provider, time);
                INSERT INTO conversation VALUES ('0123abcd-old', 'an old question', 'ask', NULL, 100, 100);
                INSERT INTO message (conversation_id, role, content, status, created_at, updated_at) VALUES ('0123abcd-old', 'user', 'why?', 'complete', 100, 100);
                INSERT INTO usage (request_id, time, provider, model, input_tokens, output_tokens, tokens_estimated, cost_nanos,
                    cost_estimated, latency_ms, outcome) VALUES ('r1', 100, 'openai', 'gpt-4o', 7, 9, 0, 1500, 0, 10, 'ok');
                """)
        }
        try old.close()
        let storage = try Storage(path: path)
        #expect(try storage.appliedMigrations().count == 9)
        let conversation = try await storage.conversation("0123abcd")
        #expect(conversation.title == "an old question" && conversation.messageCount == 1)
        #expect(try await storage.messages(in: conversation.id).map(\.content) == ["why?"])
        let rows = try await storage.usageRows()
        #expect(rows.count == 1 && rows[0].costNanos == 1500 && rows[0].filterMatches.isEmpty)
        try await storage.addPromptHistory("new table works")
        #expect(try await storage.promptHistory() == ["new table works"])
    }

    @Test("a conversation keeps prompts and answers in order, with the answering model, parameters and figures")
    func conversationRoundTrip() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let conversation = try await storage.createConversation(firstPrompt: "Explain WAL mode\nin detail", source: "compare")
        #expect(conversation.title == "Explain WAL mode")
        try await storage.addPrompt("Explain WAL mode\nin detail", to: conversation.id)
        let parameters = GenerationParameters(maxTokens: 100, temperature: 0.2)
        let a = try await storage.startAnswer(in: conversation.id, model: sim, parameters: parameters)
        let b = try await storage.startAnswer(in: conversation.id, model: ModelID(provider: "sim", model: "deep"), parameters: parameters)
        try await storage.appendToAnswer(a, "Write-ahead ")
        try await storage.appendToAnswer(a, "logging.")
        try await storage.finishAnswer(a, result: result(sim, text: "Write-ahead logging."))
        try await storage.appendToAnswer(b, "partial")
        try await storage.failAnswer(b, status: .error, error: "sim:deep HTTP 503 overloaded")

        let messages = try await storage.messages(in: conversation.id)
        #expect(messages.map(\.role) == [.user, .assistant, .assistant])
        #expect(messages[1].content == "Write-ahead logging." && messages[1].status == .complete)
        #expect(messages[1].parameters == parameters && messages[1].usage == Usage(inputTokens: 10, outputTokens: 20))
        #expect(messages[1].cost == 0.001 && messages[1].latencyMs == 1234 && messages[1].ttftMs == 200 && messages[1].finishReason == "stop")
        #expect(messages[2].content == "partial" && messages[2].status == .error && messages[2].error?.contains("503") == true)
        let listed = try await storage.conversations()
        #expect(listed.first?.id == conversation.id && listed.first?.messageCount == 3)
        #expect(listed.first?.models == ["sim:fast", "sim:deep"])
    }

    @Test("a conversation is found by a unique id prefix; an unknown or ambiguous one says what to do")
    func lookup() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let conversation = try await storage.createConversation(firstPrompt: "hi", source: "ask")
        #expect(try await storage.conversation(String(conversation.id.prefix(8))).id == conversation.id)
        let error = await #expect(throws: ConversationNotFound.self) { _ = try await storage.conversation("zzzzzzzz") }
        #expect(error?.description.contains("genesis history") == true)
    }

    @Test("a streamed answer is saved as it arrives, at most once a second, and marked complete at the end")
    func recorderSavesIncrementally() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let conversation = try await storage.createConversation(firstPrompt: "count", source: "console")
        let recorder = try await AnswerRecorder.start(storage: storage, conversationID: conversation.id, model: sim,
                                                      parameters: .init(), interval: .milliseconds(100))
        for word in ["one ", "two ", "three "] { recorder.append(word) }
        // The scheduled save runs once the interval is up (waited for: a loaded machine runs it late).
        var saved = try await storage.messages(in: conversation.id)[0]
        for _ in 0..<100 where saved.content != "one two three " {
            try await Task.sleep(for: .milliseconds(100))
            saved = try await storage.messages(in: conversation.id)[0]
        }
        #expect(saved.content == "one two three " && saved.status == .incomplete)
        recorder.append("four")
        await recorder.finish(result(sim, text: "one two three four"))
        saved = try await storage.messages(in: conversation.id)[0]
        #expect(saved.content == "one two three four" && saved.status == .complete)
        #expect(await recorder.writes <= 4)
    }

    @Test("a cancelled task's writes still land: a cancelled answer is marked cancelled with its text")
    func writesFromCancelledTasks() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let conversation = try await storage.createConversation(firstPrompt: "stop me", source: "console")
        let recorder = try await AnswerRecorder.start(storage: storage, conversationID: conversation.id, model: sim, parameters: .init())
        let task = Task {
            recorder.append("half an answer")
            withUnsafeCurrentTask { $0?.cancel() }
            await recorder.fail(.cancelled, error: "cancelled")
        }
        await task.value
        let saved = try await storage.messages(in: conversation.id)[0]
        #expect(saved.content == "half an answer" && saved.status == .cancelled)
    }

    @Test("two processes' worth of writers on one database interleave without losing a row")
    func twoWriters() async throws {
        let path = temporaryDatabase()
        let first = try Storage(path: path)
        let second = try Storage(path: path)
        await withTaskGroup(of: Void.self) { group in
            for (index, storage) in [first, second].enumerated() {
                group.addTask {
                    for n in 0..<100 {
                        await storage.record(UsageRecord(requestID: UUID(), time: Date(), model: ModelID(provider: "w\(index)", model: "m"),
                                                         usage: Usage(inputTokens: n, outputTokens: 1), cost: Cost(dollars: 0.000001), outcome: .ok))
                        if n % 10 == 0 { _ = try? await storage.createConversation(firstPrompt: "c\(n)", source: "ask") }
                    }
                }
            }
        }
        let totals = try await first.usageTotals(by: .provider)
        #expect(totals.map(\.requests) == [100, 100])
        #expect(totals.map(\.costNanos) == [100_000, 100_000])
        #expect(try await second.conversations(limit: 100).count == 20)
    }

    @Test("several processes opening a new database at once: one creates and migrates it, every one of them then writes")
    func concurrentFirstOpen() async throws {
        // Each round is a fresh file: the race is in creating it. An opener that replaced the file
        // another had just created (as an atomic create-by-rename does) left that one writing to
        // an unlinked inode: "disk I/O error" on its next statement.
        for _ in 0..<12 {
            let path = temporaryDatabase()
            let written = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let storage: Storage? = await withCheckedContinuation { continuation in
                            Thread.detachNewThread { continuation.resume(returning: try? Storage(path: path)) }
                        }
                        guard let storage else { return false }
                        return (try? await storage.createConversation(firstPrompt: "opener \(index)", source: "ask")) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(written == Array(repeating: true, count: 6))
            #expect(try await Storage(path: path).conversations(limit: 10).count == 6)
        }
    }

    @Test("prompt history keeps the latest use of each prompt, oldest first")
    func promptHistory() async throws {
        let storage = try Storage(path: temporaryDatabase())
        for prompt in ["a", "b", "a", "  ", "c"] { try await storage.addPromptHistory(prompt) }
        #expect(try await storage.promptHistory() == ["b", "a", "c"])
    }

    @Test("the persistent cache answers across instances until the entry expires")
    func persistentCache() async throws {
        let path = temporaryDatabase()
        let key = CacheKey(GenerationRequest(model: sim, prompt: "cache me", parameters: GenerationParameters(temperature: 0)))
        await (try Storage(path: path)).store(key, result(sim, text: "cached text"), ttl: .seconds(60))
        let reopened = try Storage(path: path)
        #expect(await reopened.load(key)?.text == "cached text")
        await reopened.store(key, result(sim, text: "short-lived"), ttl: .zero)
        #expect(await reopened.load(key) == nil)
    }
}

@Suite("Storage: the usage ledger")
struct LedgerTests {
    @Test("totals by provider, model and day equal the sums of the rows exactly, and --since filters by time")
    func totalsMatchRows() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let day: TimeInterval = 86_400
        let base = Date(timeIntervalSince1970: 1_795_600_000) // 2026-11-25 around 09:46 UTC
        var generator = SystemRandomNumberGenerator()
        for n in 0..<300 {
            let provider = ["openai", "anthropic", "sim"][n % 3]
            let cost: Cost? = provider == "sim" ? Cost(dollars: 0) : n % 7 == 0 ? nil : Cost(dollars: Double.random(in: 0...0.05, using: &generator))
            await storage.record(UsageRecord(requestID: UUID(), time: base.addingTimeInterval(Double(n % 5) * day / 2),
                                             model: ModelID(provider: provider, model: "m\(n % 2)"), keyID: "KEY …abcd",
                                             usage: Usage(inputTokens: n, outputTokens: 2 * n), cost: cost,
                                             outcome: n % 11 == 0 ? .error : .ok, errorCategory: n % 11 == 0 ? .server : nil))
        }
        let rows = try await storage.usageRows()
        #expect(rows.count == 300)
        for grouping in UsageGrouping.allCases {
            let total = UsageTotal.sum(try await storage.usageTotals(by: grouping))
            #expect(total.requests == rows.count)
            #expect(total.inputTokens == rows.reduce(0) { $0 + $1.inputTokens })
            #expect(total.costNanos == rows.reduce(Int64(0)) { $0 + ($1.costNanos ?? 0) })
            #expect(total.errors == rows.filter { $0.outcome == "error" }.count)
            #expect(total.unpriced == rows.filter { $0.costNanos == nil && $0.inputTokens + $0.outputTokens > 0 }.count)
        }
        let since = base.addingTimeInterval(day)
        let recent = UsageTotal.sum(try await storage.usageTotals(since: since, by: .provider))
        #expect(recent.requests == rows.filter { $0.time >= since }.count)
        let byModel = try await storage.usageTotals(by: .model)
        #expect(byModel.map(\.key) == ["anthropic:m0", "anthropic:m1", "openai:m0", "openai:m1", "sim:m0", "sim:m1"])
        let keys = try await storage.keyUsage()
        #expect(keys["KEY …abcd"]?.uses == 300)
    }

    @Test("timings per group: latency and time to first token of answered requests by nearest rank, failures by kind")
    func timingsPerGroup() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let t = Date(timeIntervalSince1970: 1_795_600_000)
        for n in 1...20 { // openai: latencies 100 ms ... 2,000 ms, time to first token a tenth
            await storage.record(UsageRecord(requestID: UUID(), time: t, model: ModelID(provider: "openai", model: "m"),
                                             usage: Usage(inputTokens: 1, outputTokens: 1), latency: .milliseconds(100 * n),
                                             timeToFirstToken: .milliseconds(10 * n), outcome: .ok))
        }
        for category in [ErrorCategory.rateLimit, .rateLimit, .timeout] { // failures: not in the latencies
            await storage.record(UsageRecord(requestID: UUID(), time: t, model: ModelID(provider: "openai", model: "m"), latency: .seconds(60),
                                             outcome: .error, errorCategory: category))
        }
        await storage.record(UsageRecord(requestID: UUID(), time: t, model: ModelID(provider: "sim", model: "fast"), latency: .milliseconds(7), outcome: .ok))
        let timings = try await storage.usageTimings(by: .provider)
        let openAI = try #require(timings["openai"])
        #expect(UsageTimings.percentile(0.5, of: openAI.latenciesMs) == 1000 && UsageTimings.percentile(0.95, of: openAI.latenciesMs) == 1900)
        #expect(UsageTimings.percentile(0.5, of: openAI.timesToFirstTokenMs) == 100)
        #expect(openAI.errorsByKind == ["rate_limit_error": 2, ErrorCategory.timeout.rawValue: 1])
        #expect(timings["sim"]?.latenciesMs == [7] && timings["sim"]?.timesToFirstTokenMs == [] && timings["sim"]?.errorsByKind == [:])
        let all = UsageTimings.merged(timings.values)
        #expect(all.latenciesMs.first == 7 && all.latenciesMs.count == 21 && all.errorsByKind["rate_limit_error"] == 2)
        #expect(UsageTimings.percentile(0.5, of: []) == nil && UsageTimings.percentile(1, of: [3, 9]) == 9 && UsageTimings.percentile(0, of: [3, 9]) == 3)
    }

    @Test("spending for budgets sums one provider or all, within the period; a cache hit spends nothing")
    func spending() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let t = Date(timeIntervalSince1970: 1_000_000)
        for (provider, seconds, dollars) in [("a", 0.0, 1.0), ("b", 10, 2.0), ("a", 100, 4.0)] {
            await storage.record(UsageRecord(requestID: UUID(), time: t.addingTimeInterval(seconds), model: ModelID(provider: provider, model: "m"),
                                             usage: Usage(inputTokens: 1, outputTokens: 1), cost: Cost(dollars: dollars), outcome: .ok))
        }
        #expect(try await storage.spending(provider: nil, from: t, to: t.addingTimeInterval(50)) == Spending(nanoDollars: 3_000_000_000, tokens: 4))
        #expect(try await storage.spending(provider: "a", from: t, to: t.addingTimeInterval(101)).dollars == 5)
        // A cached answer keeps the tokens it reports, but nothing was sent: budgets do not count it.
        await storage.record(UsageRecord(requestID: UUID(), time: t.addingTimeInterval(20), model: ModelID(provider: "a", model: "m"),
                                         usage: Usage(inputTokens: 50, outputTokens: 50), cost: Cost(dollars: 0), outcome: .cached))
        #expect(try await storage.spending(provider: nil, from: t, to: t.addingTimeInterval(50)) == Spending(nanoDollars: 3_000_000_000, tokens: 4))
    }
}
