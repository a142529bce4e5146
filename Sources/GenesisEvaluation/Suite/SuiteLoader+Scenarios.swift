import GenesisEngine

extension SuiteLoader {
    /// A test (or defaultTest) with each `{$ref: "#/assertionTemplates/NAME"}` in its `assert`
    /// replaced by that template (promptfoo's `assertionTemplates`); a reference elsewhere, or to
    /// a template that is not there, is refused naming it.
    static func resolvingTemplates(_ raw: JSONValue, templates: [String: JSONValue], file: String, test: String) throws(SuiteError) -> JSONValue {
        guard var object = raw.object, let items = object["assert"]?.array else { return raw }
        var resolved: [JSONValue] = []
        for (i, item) in items.enumerated() {
            guard let reference = item["$ref"] else { resolved.append(item); continue }
            let prefix = "#/assertionTemplates/"
            guard let text = reference.string, text.hasPrefix(prefix) else {
                throw SuiteError(file: file, test: test, field: "assert[\(i)].$ref", message: "only references to assertionTemplates (\(prefix)NAME) are supported")
            }
            let name = String(text.dropFirst(prefix.count))
            guard var template = templates[name]?.object else {
                let known = templates.keys.sorted().joined(separator: ", ")
                throw SuiteError(file: file, test: test, field: "assert[\(i)].$ref",
                                 message: "there is no assertion template \"\(name)\"\(known.isEmpty ? "; add it under assertionTemplates" : "; the suite has \(known)")")
            }
            // Keys beside the reference (a metric, a weight) apply over the template's.
            for (key, value) in item.object ?? [:] where key != "$ref" { template[key] = value }
            resolved.append(.object(template))
        }
        object["assert"] = .array(resolved)
        return .object(object)
    }

    /// promptfoo's `scenarios`: every `config` entry crossed with every test of the scenario,
    /// the entry's vars under the test's, its assertions before the test's; each scenario and
    /// entry is a conversation of its own (`_conversation`), as promptfoo isolates them.
    static func scenarioTests(_ value: JSONValue, file: String) throws(SuiteError) -> [JSONValue] {
        guard let scenarios = value.array else { throw SuiteError(file: file, field: "scenarios", message: "must be a list of {config, tests}") }
        var result: [JSONValue] = []
        for (s, scenario) in scenarios.enumerated() {
            let field = "scenarios[\(s)]"
            guard let configs = scenario["config"]?.array, !configs.isEmpty else {
                throw SuiteError(file: file, field: "\(field).config", message: "must be a list of {vars, assert, ...}, one entry per variant")
            }
            let tests = scenario["tests"]?.array ?? [.object([:])]
            if scenario["tests"] != nil, scenario["tests"]?.array == nil {
                throw SuiteError(file: file, field: "\(field).tests", message: "must be a list of tests (a file of tests is not supported in a scenario)")
            }
            for (c, config) in configs.enumerated() {
                guard let data = config.object else { throw SuiteError(file: file, field: "\(field).config[\(c)]", message: "must be a mapping") }
                for test in tests {
                    guard let own = test.object else { throw SuiteError(file: file, field: "\(field).tests", message: "each test must be a mapping") }
                    var merged = data.merging(own) { $1 }
                    merged["vars"] = .object((data["vars"]?.object ?? [:]).merging(own["vars"]?.object ?? [:]) { $1 })
                    merged["assert"] = .array((data["assert"]?.array ?? []) + (own["assert"]?.array ?? []))
                    var metadata = (data["metadata"]?.object ?? [:]).merging(own["metadata"]?.object ?? [:]) { $1 }
                    if metadata["conversationId"] == nil { metadata["conversationId"] = .string("scenario \(s + 1).\(c + 1)") }
                    merged["metadata"] = .object(metadata)
                    result.append(.object(merged))
                }
            }
        }
        return result
    }
}
