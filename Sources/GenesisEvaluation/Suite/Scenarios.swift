import Foundation
import GenesisEngine

/// promptfoo's `scenarios`: each scenario's `tests` run once for every entry of its `config`, a
/// partial test laid under each of them (docs: configuration/scenarios). The tests they make join
/// the suite's own `tests` and take `defaultTest` like them.
extension SuiteLoader {
    static let scenarioKeys: Set<String> = ["config", "tests", "description"]

    /// The tests the scenarios make, each with the file it came from.
    static func scenarioTests(_ value: JSONValue, file: String, directory: String) throws(SuiteError) -> [(JSONValue, String)] {
        var scenarios: [(JSONValue, String, String)] = [] // (scenario, its file, its place)
        let items = value.array ?? [value]
        for (offset, item) in items.enumerated() {
            let place = value.array == nil ? "scenarios" : "scenarios[\(offset)]"
            if let reference = item.string {
                guard reference.hasPrefix("file://") else {
                    throw SuiteError(file: file, field: place, message: "must be a scenario {config, tests} or file://scenarios.yaml")
                }
                for (loaded, source) in try documents(String(reference.dropFirst(7)), file: file, field: place, directory: directory) {
                    for (index, scenario) in (loaded.array ?? [loaded]).enumerated() { scenarios.append((scenario, source, "scenarios[\(index)]")) }
                }
            } else {
                scenarios.append((item, file, place))
            }
        }
        var tests: [(JSONValue, String)] = []
        for (number, (scenario, source, place)) in scenarios.enumerated() {
            guard let object = scenario.object else { throw SuiteError(file: source, field: place, message: "must be a mapping with config and tests") }
            for key in object.keys.sorted() where !scenarioKeys.contains(key) {
                throw SuiteError(file: source, field: "\(place).\(key)", message: "unknown field; a scenario has config, tests and description")
            }
            guard let configs = object["config"]?.array else {
                throw SuiteError(file: source, field: "\(place).config", message: "must be a list of partial tests, e.g. config: [{vars: {language: French}}]")
            }
            var entries: [JSONValue] = []
            for (index, entry) in configs.enumerated() {
                // `$values: file://matrix.yaml` (or `$expand`): the file's entries, flattened in.
                if let reference = (entry["$values"] ?? entry["$expand"])?.string, entry.object?.count == 1 {
                    guard reference.hasPrefix("file://") else {
                        throw SuiteError(file: source, field: "\(place).config[\(index)]", message: "$values must be file://matrix.yaml")
                    }
                    for (loaded, _) in try documents(String(reference.dropFirst(7)), file: source, field: "\(place).config[\(index)]", directory: directory) {
                        entries += loaded.array ?? [loaded]
                    }
                } else {
                    entries.append(entry)
                }
            }
            var scenarioTests: [(JSONValue, String)] = []
            switch object["tests"] {
            case nil: scenarioTests = [(.object([:]), source)]
            case .array(let list)?:
                for test in list {
                    if let reference = test.string { scenarioTests += try testsFile(reference, file: source, directory: directory) }
                    else { scenarioTests.append((test, source)) }
                }
            default: throw SuiteError(file: source, field: "\(place).tests", message: "must be a list of tests")
            }
            for (index, data) in entries.enumerated() {
                guard data.object != nil else {
                    throw SuiteError(file: source, field: "\(place).config[\(index)]", message: "must be a mapping such as {vars: {language: French}}")
                }
                // Each entry is a conversation of its own for `_conversation`, as promptfoo isolates them.
                for (test, testSource) in scenarioTests {
                    tests.append((merged(data, under: test, conversation: "scenario \(number + 1).\(index + 1)"), testSource))
                }
            }
        }
        return tests
    }

    /// A scenario's config entry under one of its tests, as promptfoo merges them: the test's
    /// keys win; `vars`, `options` and `metadata` are merged key by key (the test's win); the
    /// entry's assertions come before the test's. Unless either names one, the test's
    /// `metadata.conversationId` is `conversation`.
    static func merged(_ data: JSONValue, under test: JSONValue, conversation: String) -> JSONValue {
        var out = data.object ?? [:]
        for (key, value) in test.object ?? [:] { out[key] = value }
        for key in ["vars", "options", "metadata"] {
            if let base = data[key]?.object, let top = test[key]?.object { out[key] = .object(base.merging(top) { $1 }) }
        }
        if let first = data["assert"]?.array, let second = test["assert"]?.array { out["assert"] = .array(first + second) }
        if var metadata = out["metadata"]?.object ?? (out["metadata"] == nil ? [:] : nil), metadata["conversationId"] == nil {
            metadata["conversationId"] = .string(conversation)
            out["metadata"] = .object(metadata)
        }
        return .object(out)
    }

    /// The YAML or JSON documents a path or glob names, each with its path.
    static func documents(_ path: String, file: String, field: String, directory: String) throws(SuiteError) -> [(JSONValue, String)] {
        let paths = FileGlob.hasWildcards(path) ? FileGlob.expand(path, directory: directory) : [resolve(path, directory: directory)]
        guard !paths.isEmpty else { throw SuiteError(file: file, field: field, message: "file://\(path) matches no file") }
        var loaded: [(JSONValue, String)] = []
        for full in paths { loaded.append((try document(file: full), full)) }
        return loaded
    }
}
