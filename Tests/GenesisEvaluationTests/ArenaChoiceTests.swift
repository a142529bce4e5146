import GenesisEngine
import GenesisEvaluation
import Testing

@Suite("Arena choices: letters, votes and the answers that count")
struct ArenaChoiceTests {
    let a: ModelID = "x:a", b: ModelID = "x:b", c: ModelID = "x:c"

    @Test("letters skip N and T, which mean both bad and tie, so no letter means two things")
    func letters() {
        #expect(ArenaChoice.labels(count: 2) == ["A", "B"])
        let many = ArenaChoice.labels(count: 30)
        #expect(many.count == ArenaChoice.maxAnswers && !many.contains("N") && !many.contains("T") && many[12] == "M" && many[13] == "O")
        #expect(ArenaChoice.parse("n", labels: many) == .bothBad && ArenaChoice.parse("t", labels: many) == .tie)
        #expect(ArenaChoice.parse("O", labels: many) == .better(13))
    }

    @Test("a vote is a letter, t/tie or n/bad/both bad, in any case; anything else is not a vote")
    func parsing() {
        let labels = ["A", "B"]
        #expect(ArenaChoice.parse(" b ", labels: labels) == .better(1))
        #expect(ArenaChoice.parse("TIE", labels: labels) == .tie && ArenaChoice.parse("both bad", labels: labels) == .bothBad)
        for text in ["", "c", "ab", "a better", "maybe"] { #expect(ArenaChoice.parse(text, labels: labels) == nil, "\(text)") }
    }

    @Test("votes pair the winner with each other answer; a model with no answer is not judged")
    func votes() {
        #expect(ArenaChoice.better(1).votes([a, b, c], answered: [true, true, true])
                == [ArenaVote(modelA: a, modelB: b, outcome: .b), ArenaVote(modelA: b, modelB: c, outcome: .a)])
        #expect(ArenaChoice.tie.votes([a, b, c], answered: [true, false, true]) == [ArenaVote(modelA: a, modelB: c, outcome: .tie)])
        #expect(ArenaChoice.better(2).votes([a, b, c], answered: [false, true, true]) == [ArenaVote(modelA: b, modelB: c, outcome: .b)])
        #expect(ArenaChoice.better(0).votes([a, b, c], answered: [false, true, true]).isEmpty) // it gave no answer
        #expect(ArenaChoice.bothBad.votes([a, b], answered: [true, false]).isEmpty)            // one answer: nothing to compare
    }
}
