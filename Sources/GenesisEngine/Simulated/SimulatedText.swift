/// Writes the simulated answer to a prompt: built from the prompt's own words and a small corpus,
/// in Markdown (headings, bold, lists, fenced code), with a few wide characters, so a console
/// shows what real use looks like.
///
/// Deterministic: the same prompt, model and seed give the same text; at temperature 0 the
/// seed does not matter.
struct SimulatedText {
    private var random: SplitMix64
    private var used = Set<String>()

    init(prompt: String, model: String, seed: UInt64, temperature: Double) {
        let base = SplitMix64.hash(prompt, into: SplitMix64.hash(model))
        // At temperature 0 the seed is ignored: the prompt alone decides.
        random = SplitMix64(seed: temperature == 0 ? base : base ^ (seed &* 0x9E37_79B9_7F4A_7C15))
    }

    /// Picks a phrasing, avoiding one already used in this answer when it can.
    private mutating func pick(_ options: [String]) -> String {
        var choice = options[Int(random.next() % UInt64(options.count))]
        for _ in 0..<4 where used.contains(choice) {
            choice = options[Int(random.next() % UInt64(options.count))]
        }
        used.insert(choice)
        return choice
    }

    static func keywords(of prompt: String) -> [String] {
        var seen = Set<String>(), result: [String] = []
        let words = prompt.split { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "_" }
        for word in words {
            let lower = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
            guard lower.count >= 3, !stopWords.contains(lower), seen.insert(lower).inserted else { continue }
            result.append(lower)
            if result.count == 6 { break }
        }
        return result
    }

    /// The answer, long enough for `tokens` simulated tokens or a little more.
    mutating func answer(to prompt: String, style: SimulatedModel.Style, tokens: Int) -> String {
        let words = Self.keywords(of: prompt)
        let topic = words.prefix(2).joined(separator: " ").nonEmpty ?? "your question"
        let terms = words.isEmpty ? ["the problem", "the approach", "the result"] : words
        var out = pick(Self.openings).replacingOccurrences(of: "{topic}", with: "**\(topic)**") + "\n\n"
        if style != .concise { out += "## \(topic.capitalizedFirst)\n\n" }
        var term = 0
        func nextTerm() -> String { defer { term += 1 }; return terms[term % terms.count] }
        var sections = 0, wroteCode = false
        while SimulatedTokenizer.count(out) < tokens {
            switch (style, sections % 4) {
            case (_, 0), (.concise, _):
                out += sentence(about: nextTerm()) + " " + sentence(about: nextTerm()) + "\n\n"
            case (_, 1):
                for _ in 0..<3 {
                    let t = nextTerm()
                    out += "- **\(t.capitalizedFirst)**: " + pick(Self.bullets).replacingOccurrences(of: "{t}", with: t) + "\n"
                }
                out += "\n"
            case (.thorough, 2) where !wroteCode:
                wroteCode = true
                let name = terms[0].identifier
                out += "```swift\n// \(topic)\nfunc \(name)(_ input: [String]) -> [String] {\n    input.filter { !$0.isEmpty }.sorted()\n}\n```\n\n"
            case (_, 2):
                out += pick(Self.wide).replacingOccurrences(of: "{t}", with: nextTerm()) + "\n\n"
            default:
                out += "### " + pick(Self.subheadings).replacingOccurrences(of: "{t}", with: nextTerm()) + "\n\n"
                out += sentence(about: nextTerm()) + "\n\n"
            }
            sections += 1
        }
        out += pick(Self.closings).replacingOccurrences(of: "{topic}", with: topic)
        return out
    }

    /// A reasoning model's thinking before it answers, long enough for `tokens` simulated tokens
    /// or a little more: plain sentences about the prompt's words, a paragraph every few, ending
    /// with a plan for the answer.
    mutating func reasoning(about prompt: String, tokens: Int) -> String {
        let words = Self.keywords(of: prompt)
        let topic = words.prefix(2).joined(separator: " ").nonEmpty ?? "the question"
        let terms = words.isEmpty ? ["the problem", "the approach", "the result"] : words
        var out = pick(Self.thoughtOpenings).replacingOccurrences(of: "{topic}", with: topic)
        var term = 0, inParagraph = 1
        while SimulatedTokenizer.count(out) < tokens {
            let thought = pick(Self.thoughts).replacingOccurrences(of: "{t}", with: terms[term % terms.count])
            term += 1
            out += (inParagraph == 3 ? "\n\n" : " ") + thought
            inParagraph = inParagraph == 3 ? 1 : inParagraph + 1
        }
        return out + " " + pick(Self.plans)
    }

    private mutating func sentence(about term: String) -> String {
        pick(Self.sentences).replacingOccurrences(of: "{t}", with: term)
    }

    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our", "out",
        "has", "have", "how", "what", "when", "where", "which", "who", "why", "with", "this", "that", "these", "those",
        "from", "into", "about", "please", "tell", "explain", "give", "write", "does", "some", "your", "would", "could",
        "should", "there", "their", "them", "then", "than", "its", "it's", "let", "use", "using", "like", "just", "also",
        "make", "show", "describe", "between", "difference", "compare", "design", "build", "create", "implement",
        "versus", "best", "good", "way", "ways", "work", "works", "need", "want", "get", "know", "think", "i'm", "me", "my", "is", "in", "of", "to", "a", "an",
    ]

    static let openings = [
        "Here is a short take on {topic}.",
        "Good question: {topic} comes up often, so let me lay it out.",
        "In short, {topic} is easier to reason about once the parts are named.",
        "Let's look at {topic} step by step.",
        "There are a few things worth knowing about {topic}.",
    ]

    static let sentences = [
        "The key idea behind {t} is that each part has one clear job.",
        "In practice, {t} works best when you measure before you change anything.",
        "Most trouble with {t} comes from hidden assumptions, so write them down.",
        "A small, honest example of {t} teaches more than a long description.",
        "When {t} misbehaves, look first at the inputs, then at the boundaries.",
        "People often overcomplicate {t}; the simple version is usually enough.",
        "It helps to treat {t} as a contract: what goes in, what comes out, what can fail.",
        "The trade-off with {t} is speed against clarity, and clarity usually wins.",
    ]

    static let bullets = [
        "start with the smallest version of {t} that works.",
        "keep {t} observable, so that failures explain themselves.",
        "test {t} at its edges, not only on the happy path.",
        "document why {t} is shaped the way it is.",
        "prefer boring, well-known tools for {t}.",
    ]

    static let wide = [
        "要点 (key point): {t} should stay simple ✅",
        "Tip ✨ — name {t} after what it does, not how it does it.",
        "覚えておくこと: measure {t} before and after every change 📏",
    ]

    static let subheadings = ["Why {t} matters", "A note on {t}", "Common mistakes with {t}", "Putting {t} to work"]

    static let thoughtOpenings = [
        "The question is about {topic}.",
        "So the user wants to know about {topic}.",
        "Let me think about what {topic} involves.",
    ]

    static let thoughts = [
        "First, what does {t} mean here? Probably the usual sense.",
        "I should mention {t}, since it changes the answer.",
        "Is {t} the main point? It matters, but less than the basics.",
        "An example with {t} would make this concrete.",
        "Wait, {t} has an edge case worth a sentence.",
        "The reader likely knows {t} already, so keep that part short.",
        "How does {t} fail? Naming that helps more than praise.",
        "Compare {t} with the obvious alternative, briefly.",
    ]

    static let plans = [
        "Plan: a short overview, the key points as a list, then a closing tip.",
        "So: define it, give the main points, and end with something practical.",
    ]

    static let closings = [
        "That covers the essentials of {topic}.",
        "Hope this helps with {topic}.",
        "Start small with {topic}, and grow it as you learn.",
    ]
}

/// Splits text into the simulator's "tokens": a word with the space before it, long words in
/// pieces of up to six characters. Never splits a character, so every piece is valid text.
enum SimulatedTokenizer {
    static func tokens(_ text: String) -> [String] {
        var pieces: [String] = [], current = ""
        var inWord = false
        for character in text {
            let isSpace = character.isWhitespace
            if (isSpace && inWord) || (!isSpace && inWord && current.count >= 6) || (character.isNewline && !current.isEmpty) {
                pieces.append(current)
                current = ""
            }
            inWord = !isSpace
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    static func count(_ text: String) -> Int { tokens(text).count }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
    /// A Swift-style identifier made of the word's letters and digits.
    var identifier: String {
        let parts = split { !$0.isLetter && !$0.isNumber }.map(String.init)
        guard let first = parts.first else { return "process" }
        let joined = first.lowercased() + parts.dropFirst().map(\.capitalizedFirst).joined()
        return joined.first?.isLetter == true ? joined : "f" + joined
    }
}

import Foundation
