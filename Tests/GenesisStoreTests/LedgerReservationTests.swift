import Foundation
import GenesisEngine
import GenesisStore
import Testing

@Suite("Storage: booking requests in the ledger")
struct LedgerReservationTests {
    static let model = ModelID(provider: "openai", model: "gpt-4o-mini")
    static let time = Date(timeIntervalSince1970: 1_000_000)
    static let day = SpendingWindow(provider: nil, start: time, end: time.addingTimeInterval(86_400))

    /// A request booked at 15 tokens and `dollars`.
    static func pending(_ dollars: Double) -> UsageRecord {
        UsageRecord(requestID: UUID(), time: time, model: model, usage: Usage(inputTokens: 5, outputTokens: 10, isEstimated: true),
                    cost: Cost(dollars: dollars, isEstimated: true), outcome: .pending)
    }

    /// What a hard daily budget of `limit` dollars says to a request booked at `request`.
    static func budget(_ limit: Double, request: Double) -> @Sendable ([Spending]) -> BudgetExceededError? {
        { used in Budget(period: .day, dollars: limit).refusal(of: Spending(nanoDollars: Spending.nanos(request)), after: used[0],
                                                                provider: model.provider, model: model.model) }
    }

    @Test("two connections to one file booking at once, as two processes do, book no more than the budget holds")
    func twoConnectionsBookOneAtATime() async throws {
        let path = temporaryDatabase()
        let storages = [try Storage(path: path), try Storage(path: path)]
        let booked = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let outcome = try? await storages[index % 2].reserve(Self.pending(0.1), against: [Self.day], refusal: Self.budget(1, request: 0.1))
                    return (try? outcome?.get()) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(booked == 10)
        #expect(try await storages[1].spending(provider: nil, from: Self.day.start, to: Self.day.end)
                == Spending(reservedNanoDollars: 1_000_000_000, reservedTokens: 150))
    }

    @Test("a refused booking writes nothing and says what the budget holds")
    func refusalWritesNothing() async throws {
        let storage = try Storage(path: temporaryDatabase())
        _ = try await storage.reserve(Self.pending(0.6), against: [Self.day], refusal: Self.budget(1, request: 0.6)).get()
        let refused = try await storage.reserve(Self.pending(0.6), against: [Self.day], refusal: Self.budget(1, request: 0.6))
        guard case .failure(let error) = refused else { Issue.record("booked past the budget"); return }
        #expect(error.reserved == 0.6 && error.spent == 0 && error.limit == 1)
        #expect(try await storage.usageRows().count == 1)
    }

    @Test("settling rewrites the pending row in place; spending and usage keep estimates apart from what was spent")
    func settlingRewritesInPlace() async throws {
        let storage = try Storage(path: temporaryDatabase())
        let first = try await storage.reserve(Self.pending(0.1), against: [], refusal: { _ in nil }).get()
        _ = try await storage.reserve(Self.pending(0.2), against: [], refusal: { _ in nil }).get()
        await storage.settle(first, as: UsageRecord(requestID: UUID(), time: Self.time, model: Self.model, keyID: "OPENAI_API_KEY …cdef",
                                                    usage: Usage(inputTokens: 5, outputTokens: 7), cost: Cost(dollars: 0.05), outcome: .ok))
        #expect(try await storage.spending(provider: "openai", from: Self.day.start, to: Self.day.end)
                == Spending(nanoDollars: 50_000_000, tokens: 12, reservedNanoDollars: 200_000_000, reservedTokens: 15))
        let rows = try await storage.usageRows()
        #expect(rows.map(\.outcome) == ["ok", "pending"] && rows[0].keyID == "OPENAI_API_KEY …cdef" && rows[0].outputTokens == 7)
        let total = UsageTotal.sum(try await storage.usageTotals(by: .provider))
        #expect(total.requests == 2 && total.pending == 1 && total.outputTokens == 7)
        #expect(total.costNanos == 50_000_000 && total.reservedNanos == 200_000_000)
    }
}
