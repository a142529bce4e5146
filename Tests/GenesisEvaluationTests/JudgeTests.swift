import GenesisEngine
@testable import GenesisEvaluation
import Testing

@Suite("Judge verdicts")
struct JudgeTests {
    static let a = ModelID(provider: "p", model: "a"), b = ModelID(provider: "p", model: "b"), c = ModelID(provider: "p", model: "c")

    @Test("the letter the judge names is mapped back through the order it saw the pair in",
          arguments: [(#"{"winner": "A", "reason": "r"}"#, JudgeVerdict.Order.ab, PairOutcome.a),
                      (#"{"winner": "A", "reason": "r"}"#, .ba, .b), (#"{"winner": "B", "reason": "r"}"#, .ab, .b),
                      (#"{"winner": "b", "reason": "r"}"#, .ba, .a), (#"{"winner": "tie", "reason": "r"}"#, .ab, .tie),
                      ("```json\n{\"winner\": \"B\", \"reason\": \"r\"}\n```", .ab, .b)])
    func letters(answer: String, order: JudgeVerdict.Order, winner: PairOutcome) {
        let verdict = JudgeVerdict(order: order, judgeAnswer: answer, cost: nil)
        #expect(verdict.winner == winner && verdict.reason == "r")
    }

    @Test("an answer that is not the JSON asked for is a tie saying what the judge wrote",
          arguments: ["A is better", #"{"winner": "C"}"#, #"{"verdict": "A"}"#, ""])
    func unreadable(answer: String) {
        let verdict = JudgeVerdict(order: .ab, judgeAnswer: answer, cost: nil)
        #expect(verdict.winner == .tie)
        #expect(verdict.reason.hasPrefix("the judge did not answer"))
    }

    @Test("a pair stands only when both orders agree")
    func agreement() {
        let agree = JudgedPair(a: Self.a, b: Self.b, verdicts: [.init(order: .ab, winner: .b, reason: ""), .init(order: .ba, winner: .b, reason: "")])
        let disagree = JudgedPair(a: Self.a, b: Self.b, verdicts: [.init(order: .ab, winner: .a, reason: ""), .init(order: .ba, winner: .b, reason: "")])
        #expect(agree.result == .b && agree.winner == Self.b)
        #expect(disagree.result == .tie && disagree.winner == nil)
    }

    @Test("the winner is the model that won the most pairs; a shared lead is a tie")
    func overallWinner() {
        func pair(_ x: ModelID, _ y: ModelID, _ outcome: PairOutcome) -> JudgedPair {
            JudgedPair(a: x, b: y, verdicts: [.init(order: .ab, winner: outcome, reason: ""), .init(order: .ba, winner: outcome, reason: "")])
        }
        let clear = Judgement(judge: Self.c, models: [Self.a, Self.b, Self.c],
                              pairs: [pair(Self.a, Self.b, .a), pair(Self.a, Self.c, .a), pair(Self.b, Self.c, .tie)])
        #expect(clear.winner == Self.a)
        let shared = Judgement(judge: Self.c, models: [Self.a, Self.b, Self.c],
                               pairs: [pair(Self.a, Self.b, .a), pair(Self.a, Self.c, .b), pair(Self.b, Self.c, .tie)])
        #expect(shared.winner == nil)
        #expect(clear.votes.map(\.outcome) == [.a, .a, .tie])
    }
}
