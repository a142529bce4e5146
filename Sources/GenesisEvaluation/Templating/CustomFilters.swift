import Foundation
import GenesisEngine
import GenesisProcess
import Synchronization

/// A suite's `nunjucksFilters`: filters written in JavaScript, one file each exporting
/// `function (value, ...args)` (promptfoo's form), run by node.
///
/// Templates render synchronously, so a render asks for what it has not seen yet and goes on
/// with the value unfiltered; ``render(_:or:)`` then runs every call it missed in one node process
/// and renders again, until nothing is missing (a filter over another filter's result takes one
/// more round). Results are kept by call for the run: a filter is assumed to answer the same call
/// the same way, as a template filter does.
public final class CustomFilters: Sendable, Hashable {
    public static func == (a: CustomFilters, b: CustomFilters) -> Bool { a.files == b.files }
    public func hash(into hasher: inout Hasher) { hasher.combine(files) }

    /// Filter names to the absolute paths of their files.
    public let files: [String: String]
    let scripts: ScriptSettings
    struct Call: Hashable, Sendable { var name: String; var value: JSONValue; var arguments: [JSONValue] }
    private let results = Mutex<[Call: JSONValue]>([:])
    /// Rounds of filters over filters a render may take.
    static let rounds = 8

    public init(files: [String: String], scripts: ScriptSettings) {
        self.files = files
        self.scripts = scripts
    }

    func result(_ call: Call) -> JSONValue? { results.withLock { $0[call] } }

    /// `body` (a render) run until every custom filter call in it has its result; a problem of
    /// the filters' own becomes `body`'s kind of error through `wrap`. Each round is a
    /// ``FilterRound`` of its own, so renders running at once never see each other's misses; a
    /// round that fails while it had calls unanswered (a builtin filter given a value a custom one
    /// was still to change) runs them and renders again.
    public func render<T, E: Error>(_ body: (FilterRound) throws(E) -> T, or wrap: (TemplateError) -> E) async throws(E) -> T {
        for _ in 0..<Self.rounds {
            let round = FilterRound(self)
            let outcome: Result<T, E>
            do { outcome = .success(try body(round)) } catch { outcome = .failure(error) }
            let missed = round.missed
            if missed.isEmpty { return try outcome.get() }
            do { try await run(missed) } catch { throw wrap(error) }
        }
        throw wrap(TemplateError("custom filters still ask for more after \(Self.rounds) rounds; does a filter's result feed itself?"))
    }

    /// Runs the custom filter calls of every case's prompt in one node process before the
    /// answers are asked for, so that a run does not start node once a case. A prompt that does
    /// not render yet (one reading `_conversation`) is left to its own render.
    func prepare(_ cases: [EvaluationCase]) async {
        _ = try? await render({ (round: FilterRound) throws(TemplateError) in
            for item in cases {
                _ = try? item.template.rendered(item.test.templateVariables, filters: round)
            }
        }, or: { $0 })
    }

    /// Runs the calls in one node process and keeps their results.
    private func run(_ calls: [Call]) async throws(TemplateError) {
        guard let node = scripts.interpreter(for: .javascript) else { throw TemplateError(scripts.missing(.javascript)) }
        let request: JSONValue = ["calls": .array(calls.map { call in
            ["name": .string(call.name), "file": .string(files[call.name] ?? ""), "value": call.value, "args": .array(call.arguments)]
        })]
        let finished: ChildProcess.Finished
        do {
            finished = try await ChildProcess.run([node, "-e", ScriptHost.filters], input: Array(request.encoded()), limits: scripts.limits)
        } catch {
            throw TemplateError("the custom filters could not run: \(error)")
        }
        // The reply is read as a script assertion's is: time and output limits, a throw, the marker.
        let answers: [JSONValue]
        switch AssertionEvaluator.returned(finished, name: "the custom filters", limits: scripts.limits) {
        case .failure(let problem): throw TemplateError(problem.message)
        case .success(let value):
            guard let list = value?.array, list.count == calls.count else { throw TemplateError("the custom filters did not answer every call") }
            answers = list
        }
        var kept: [Call: JSONValue] = [:]
        for (call, result) in zip(calls, answers) {
            if let problem = result["error"]?.string { throw TemplateError("the filter \(call.name) (\(files[call.name] ?? "")) threw: \(problem)") }
            kept[call] = result["result"] ?? .null
        }
        results.withLock { $0.merge(kept) { $1 } }
    }
}

/// One render's use of the suite's filters: it answers the calls whose results are known and
/// keeps the ones that are not, which are this render's alone.
public final class FilterRound: Sendable {
    let filters: CustomFilters
    private let missing = Mutex<Set<CustomFilters.Call>>([])

    init(_ filters: CustomFilters) {
        self.filters = filters
    }

    /// Whether the suite has a filter of this name.
    func has(_ name: String) -> Bool { filters.files[name] != nil }

    /// The result of a call seen before, or nil after noting it as missing.
    func apply(_ name: String, to value: JSONValue?, _ arguments: [JSONValue?]) -> JSONValue? {
        let call = CustomFilters.Call(name: name, value: value ?? .null, arguments: arguments.map { $0 ?? .null })
        if let result = filters.result(call) { return result }
        missing.withLock { _ = $0.insert(call) }
        return nil
    }

    var missed: [CustomFilters.Call] { missing.withLock { Array($0) } }
}
