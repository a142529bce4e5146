import Foundation

/// A content rule: what to look for, in which direction, and what to do with a match.
public struct FilterRule: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Replace the match with `[redacted:NAME]` and go on.
        case redact
        /// Go on unchanged, but log it and record it in the ledger.
        case warn
        /// Refuse the request (input) or stop the answer (output).
        case block
    }

    public enum Direction: String, Sendable, Hashable, CaseIterable {
        case input, output
    }

    public enum Pattern: Sendable, Hashable {
        /// An ICU regular expression.
        case regex(String)
        /// Whole words or phrases, case-insensitive.
        case words([String])
        /// A built-in detector.
        case builtIn(BuiltInPattern)
    }

    public var name: String
    public var pattern: Pattern
    public var action: Action
    public var directions: Set<Direction>

    public init(name: String, pattern: Pattern, action: Action, directions: Set<Direction> = [.input, .output]) {
        self.name = name
        self.pattern = pattern
        self.action = action
        self.directions = directions
    }
}

/// Detectors that ship with Genesis.
public enum BuiltInPattern: String, Sendable, Hashable, CaseIterable {
    /// E-mail addresses.
    case email
    /// Payment card numbers: 13 to 19 digits, spaces or dashes allowed, passing the Luhn check.
    case cardNumber = "card-number"
    /// Strings shaped like API keys and tokens (OpenAI, Anthropic, Google, Groq, AWS, GitHub, Slack).
    case apiKey = "api-key"

    var regex: String {
        switch self {
        // Starts only where a run of address characters starts: from inside a run, the search
        // would scan the rest of it again at every position (quadratic in a long base64 blob).
        case .email: #"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"#
        case .cardNumber: #"(?<![0-9])[0-9](?:[ \-]?[0-9]){12,18}(?![0-9])"#
        case .apiKey: Redactor.patterns.joined(separator: "|")
        }
    }

    func accepts(_ match: Substring) -> Bool {
        self == .cardNumber ? Luhn.isValid(match.filter(\.isNumber)) : true
    }
}

enum Luhn {
    static func isValid(_ digits: String) -> Bool {
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 { digit *= 2; if digit > 9 { digit -= 9 } }
            sum += digit
        }
        return sum % 10 == 0
    }
}

/// What a filter found in one text: counts per rule, never the matched text.
public struct FilterMatch: Sendable, Hashable {
    public var rule: String
    public var direction: FilterRule.Direction
    public var action: FilterRule.Action
    public var count: Int

    /// `email:input:redact`, as the ledger records it.
    public var summary: String { "\(rule):\(direction.rawValue):\(action.rawValue)" }
}

/// The configured rules, compiled once.
public struct ContentFilter: Sendable {
    public let rules: [FilterRule]
    private let compiled: [CompiledRule]

    public init(rules: [FilterRule]) throws(ConfigurationError) {
        self.rules = rules
        var compiled: [CompiledRule] = []
        for rule in rules { compiled.append(try CompiledRule(rule)) }
        self.compiled = compiled
    }

    /// No rules: nothing to compile, so nothing can throw.
    public static let none = try! ContentFilter(rules: [])

    public var isEmpty: Bool { rules.isEmpty }
    public func applies(to direction: FilterRule.Direction) -> Bool { rules.contains { $0.directions.contains(direction) } }

    /// The text with redactions made, what matched, and the first blocking rule that matched.
    /// A rule whose pattern gives up on the text (``BoundedRegex``) refuses it: what that rule
    /// would redact or block cannot be known, so nothing is let through unchecked.
    public func apply(_ text: String, direction: FilterRule.Direction) throws(ContentRuleTooSlowError) -> (text: String, matches: [FilterMatch], blockedBy: FilterRule?) {
        var text = text
        var matches: [FilterMatch] = []
        var blocked: FilterRule?
        for rule in compiled where rule.rule.directions.contains(direction) {
            let ranges = try rule.ranges(in: text, direction: direction)
            guard !ranges.isEmpty else { continue }
            matches.append(FilterMatch(rule: rule.rule.name, direction: direction, action: rule.rule.action, count: ranges.count))
            switch rule.rule.action {
            case .redact:
                for range in ranges.reversed() { text.replaceSubrange(range, with: "[redacted:\(rule.rule.name)]") }
            case .warn: break
            case .block: blocked = blocked ?? rule.rule
            }
        }
        return (text, matches, blocked)
    }

    /// A prompt as it may be kept (history, exports, prompt history): what the input rules
    /// redact is redacted as it is sent, and what a block rule matched is replaced too
    /// (`[blocked:NAME]`), since that prompt is refused; the rest of the text is kept.
    /// A prompt that a rule gave up on is kept as `[unchecked:NAME]`, whole: the rules could not
    /// say what in it to hide.
    public func storable(_ text: String) -> String {
        do {
            var (kept, _, _) = try apply(text, direction: .input)
            for rule in compiled where rule.rule.directions.contains(.input) && rule.rule.action == .block {
                for range in try rule.ranges(in: kept, direction: .input).reversed() { kept.replaceSubrange(range, with: "[blocked:\(rule.rule.name)]") }
            }
            return kept
        } catch {
            return "[unchecked:\(error.rule)]"
        }
    }

    /// Ranges any rule matches in `text` (for holding back streamed text that may be cut mid-match).
    func matchRanges(in text: String, direction: FilterRule.Direction) throws(ContentRuleTooSlowError) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        for rule in compiled where rule.rule.directions.contains(direction) { ranges += try rule.ranges(in: text, direction: direction) }
        return ranges
    }
}

/// A rule with its regular expression compiled.
private struct CompiledRule: Sendable {
    let rule: FilterRule
    let expression: BoundedRegex
    let builtIn: BuiltInPattern?

    init(_ rule: FilterRule) throws(ConfigurationError) {
        self.rule = rule
        let pattern: String
        var options: NSRegularExpression.Options = []
        switch rule.pattern {
        case .regex(let regex): pattern = regex; builtIn = nil
        case .words(let words):
            pattern = #"(?<![\p{L}\p{N}_])(?:"# + words.map(NSRegularExpression.escapedPattern).joined(separator: "|") + #")(?![\p{L}\p{N}_])"#
            options.insert(.caseInsensitive)
            builtIn = nil
        case .builtIn(let known): pattern = known.regex; builtIn = known
        }
        do {
            expression = try BoundedRegex(pattern, options: options)
        } catch {
            throw ConfigurationError(key: "filters.\(rule.name)", message: "the pattern \"\(pattern)\" is not a valid regular expression: \(error.localizedDescription)")
        }
    }

    func ranges(in text: String, direction: FilterRule.Direction) throws(ContentRuleTooSlowError) -> [Range<String.Index>] {
        do {
            return try expression.ranges(in: text).filter { range in builtIn.map { $0.accepts(text[range]) } ?? true }
        } catch {
            throw ContentRuleTooSlowError(rule: rule.name, pattern: expression.pattern, direction: direction, gaveUp: error)
        }
    }
}

/// A content rule's pattern gave up on a prompt or an answer (``BoundedRegex``): matching it would
/// have taken too long, so the text was refused rather than let through unchecked.
public struct ContentRuleTooSlowError: GenesisError, Hashable {
    public var provider: String?
    public var model: String?
    public var rule: String
    public var pattern: String
    public var direction: FilterRule.Direction
    public var gaveUp: BoundedRegex.GaveUp

    public init(provider: String? = nil, model: String? = nil, rule: String, pattern: String, direction: FilterRule.Direction, gaveUp: BoundedRegex.GaveUp) {
        self.provider = provider
        self.model = model
        self.rule = rule
        self.pattern = pattern
        self.direction = direction
        self.gaveUp = gaveUp
    }

    /// The same error, naming the model it happened on.
    public func on(_ model: ModelID) -> ContentRuleTooSlowError {
        var copy = self
        copy.provider = model.provider
        copy.model = model.model
        return copy
    }

    public var category: ErrorCategory { .contentFilter }
    public var description: String {
        let text = direction == .input ? "prompt" : "answer", outcome = direction == .input ? "nothing was sent" : "the answer was stopped there"
        return "\(origin)content rule \"\(rule)\" took too long on the \(text): its pattern /\(pattern)/ \(gaveUp.explanation), so \(outcome) (what the rule would match is unknown). Patterns with nested repetition such as (a+)+ backtrack exponentially on text that almost matches. Next: simplify the rule's regex in the configuration's [[filters]] (e.g. (a+)+ to a+)."
    }
}

/// A request or answer a content rule blocked.
public struct ContentBlockedError: GenesisError, Hashable {
    public var provider: String?
    public var model: String?
    public var rule: String
    public var direction: FilterRule.Direction

    public init(provider: String?, model: String?, rule: String, direction: FilterRule.Direction) {
        self.provider = provider
        self.model = model
        self.rule = rule
        self.direction = direction
    }

    public var category: ErrorCategory { .contentFilter }
    public var description: String {
        direction == .input
            ? "\(origin)blocked by content rule \"\(rule)\": the prompt matches it, so nothing was sent. Next: remove that content, or change the rule in the configuration's [[filters]]."
            : "\(origin)blocked by content rule \"\(rule)\": the answer matched it and was stopped there. Next: rephrase the request, or change the rule in the configuration's [[filters]]."
    }
}
