import Foundation
import GenesisEngine
import GenesisProcess
import Synchronization

/// A suite's `nunjucksFilters`: filters written in JavaScript, one file each exporting
/// `function (value, ...args)` (promptfoo's form), run by node.
///
/// Templates render synchronously, so a render asks for what it has not seen yet and goes on
/// with the value unfiltered; ``render(_:)`` then runs every call it missed in one node process
/// and renders again, until nothing is missing (a filter over another filter's result takes one
/// more round). Results are kept by call for the run: a filter is assumed to answer the same call
/// the same way, as a template filter does.
public final class CustomFilters: Sendable, Hashable {
    public static func == (a: CustomFilters, b: CustomFilters) -> Bool { a.files == b.files }
    public func hash(into hasher: inout Hasher) { hasher.combine(files) }

    /// Filter names to the absolute paths of their files.
    public let files: [String: String]
    let scripts: ScriptSettings
    private struct Call: Hashable, Sendable { var name: String; var value: JSONValue; var arguments: [JSONValue] }
    private struct State { var results: [Call: JSONValue] = [:]; var missing: Set<Call> = [] }
    private let state = Mutex(State())
    /// Rounds of filters over filters a render may take.
    static let rounds = 8

    public init(files: [String: String], scripts: ScriptSettings) {
        self.files = files
        self.scripts = scripts
    }

    /// The result of a call seen before, or nil after noting it as missing.
    func apply(_ name: String, to value: JSONValue?, _ arguments: [JSONValue?]) -> JSONValue? {
        let call = Call(name: name, value: value ?? .null, arguments: arguments.map { $0 ?? .null })
        return state.withLock { state in
            if let result = state.results[call] { return result }
            state.missing.insert(call)
            return nil
        }
    }

    /// `body` (a render) run until every custom filter call in it has its result; a problem of
    /// the filters' own becomes `body`'s kind of error through `wrap`.
    public func render<T, E: Error>(_ body: () throws(E) -> T, or wrap: (TemplateError) -> E) async throws(E) -> T {
        for _ in 0..<Self.rounds {
            state.withLock { $0.missing.removeAll() }
            let result = try body()
            let missing = state.withLock { Array($0.missing) }
            if missing.isEmpty { return result }
            do { try await run(missing) } catch { throw wrap(error) }
        }
        throw wrap(TemplateError("custom filters still ask for more after \(Self.rounds) rounds; does a filter's result feed itself?"))
    }

    /// Runs the custom filter calls of every case's prompt in one node process before the
    /// answers are asked for, so that a run does not start node once a case. A prompt that does
    /// not render yet (one reading `_conversation`) is left to its own render.
    func prepare(_ cases: [EvaluationCase]) async {
        _ = try? await render({ () throws(TemplateError) in
            for item in cases {
                _ = try? item.template.render(item.test.templateVariables, filters: self)
                _ = try? item.template.renderMessages(item.test.templateVariables, filters: self)
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
            finished = try await ChildProcess.run([node, "-e", Self.host], input: Array(request.encoded()), limits: scripts.limits)
        } catch {
            throw TemplateError("the custom filters could not run: \(error)")
        }
        let text = String(decoding: finished.output, as: UTF8.self)
        guard let line = text.components(separatedBy: "\n").last(where: { $0.hasPrefix(ScriptHost.marker) }),
              let reply = JSONValue.parse(String(line.dropFirst(ScriptHost.marker.count))), let results = reply["results"]?.array,
              results.count == calls.count else {
            let said = text.trimmingCharacters(in: .whitespacesAndNewlines).suffix(300)
            throw TemplateError("the custom filters ended without an answer (\(finished.ending))\(said.isEmpty ? "" : ": \(said)")")
        }
        var kept: [Call: JSONValue] = [:]
        for (call, result) in zip(calls, results) {
            if let problem = result["error"]?.string { throw TemplateError("the filter \(call.name) (\(files[call.name] ?? "")) threw: \(problem)") }
            kept[call] = result["result"] ?? .null
        }
        state.withLock { $0.results.merge(kept) { $1 } }
    }

    /// Reads `{calls: [{name, file, value, args}]}` and answers `{results: [{result} | {error}]}`
    /// after ``ScriptHost/marker``; data never becomes code.
    static let host = #"""
        'use strict';
        const fs = require('fs');
        const { pathToFileURL } = require('url');
        const MARKER = '\x1egenesis-script-result\x1e';
        globalThis.require = require;
        (async () => {
          const request = JSON.parse(fs.readFileSync(0, 'utf8'));
          const loaded = new Map();
          const results = [];
          for (const call of request.calls) {
            try {
              if (!loaded.has(call.file)) loaded.set(call.file, await import(pathToFileURL(call.file).href));
              const module = loaded.get(call.file);
              const filter = [module.default, module.default && module.default.default, module[call.name]].find((f) => typeof f === 'function');
              if (!filter) { results.push({ error: call.file + ' exports no function; write module.exports = (value, ...args) => ...' }); continue; }
              const result = await filter(call.value, ...call.args);
              results.push({ result: result === undefined ? null : result });
            } catch (e) {
              results.push({ error: e instanceof Error ? e.name + ': ' + e.message : String(e) });
            }
          }
          process.stdout.write('\n' + MARKER + JSON.stringify({ results }) + '\n', () => process.exit(0));
        })().catch((e) => { process.stdout.write('\n' + MARKER + JSON.stringify({ error: String(e) }) + '\n', () => process.exit(0)); });
        """#
}
