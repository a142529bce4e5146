import Foundation
import GenesisEngine

/// `tests:` files as promptfoo reads them: YAML, JSON, JSONL and CSV (with its special columns),
/// one or a glob of them; `file://` values in `vars` (a file's text; `.json` and `.yaml`
/// parsed; a glob, a list) and `vars: file://...`; and `file://` assertion values. Test
/// generators (code), datasets from services and scripted vars are refused by name.
extension SuiteLoader {
    static let testFileExtensions: Set<String> = ["yaml", "yml", "json", "jsonl", "csv"]
    static let codeExtensions: Set<String> = ["js", "cjs", "mjs", "ts", "mts", "cts", "py", "rb"]

    /// The tests a `tests:` string names, each with the file it came from.
    static func testsFile(_ reference: String, file: String, directory: String) throws(SuiteError) -> [(JSONValue, String)] {
        if reference.hasPrefix("huggingface://") {
            throw SuiteError(file: file, field: "tests", message: "tests from Hugging Face datasets (\(reference)) are not supported; export the rows to a CSV or YAML file")
        }
        if reference.hasPrefix("https://docs.google.com/spreadsheets") {
            throw SuiteError(file: file, field: "tests", message: "tests from Google Sheets are not supported; download the sheet as CSV and use file://tests.csv")
        }
        if reference.hasPrefix("http://") || reference.hasPrefix("https://") {
            throw SuiteError(file: file, field: "tests", message: "tests from a URL (\(reference)) are not supported; save them to a file")
        }
        let path: String
        if reference.hasPrefix("file://") {
            path = String(reference.dropFirst(7))
        } else if !reference.contains(where: \.isWhitespace),
                  testFileExtensions.union(codeExtensions).contains((reference as NSString).pathExtension.lowercased()),
                  FileManager.default.fileExists(atPath: resolve(reference, directory: directory)) || FileGlob.hasWildcards(reference) {
            path = reference // promptfoo's older bare path
        } else {
            throw SuiteError(file: file, field: "tests", message: "\"\(short(reference))\" is not a test; a string must be \"file://tests.yaml\" (or .json, .jsonl, .csv, or a glob)")
        }
        let bare = path.split(separator: ":").first.map(String.init) ?? path
        if codeExtensions.contains((bare as NSString).pathExtension.lowercased()) {
            throw SuiteError(file: file, field: "tests", message: "test generators (file://\(path)) are not supported: Genesis does not run code to make tests; write them to a YAML, JSON or CSV file")
        }
        let paths = FileGlob.hasWildcards(path) ? FileGlob.expand(path, directory: directory) : [resolve(path, directory: directory)]
        guard !paths.isEmpty else { throw SuiteError(file: file, field: "tests", message: "file://\(path) matches no file") }
        var result: [(JSONValue, String)] = []
        for full in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else {
                throw SuiteError(file: file, field: "tests", message: "cannot read \(full): there is no such file")
            }
            if isDirectory.boolValue { throw SuiteError(file: file, field: "tests", message: "\(full) is a directory; name its files, e.g. file://\(path)/*.yaml") }
            switch (full as NSString).pathExtension.lowercased() {
            case "csv":
                result += try csvTests(readText(full), path: full).map { ($0, full) }
            case "jsonl":
                for (i, line) in try readText(full).split(whereSeparator: \.isNewline).enumerated() where !line.allSatisfy(\.isWhitespace) {
                    guard let test = JSONValue.parse(String(line)) else { throw SuiteError(file: full, line: i + 1, field: "tests", message: "not a JSON test") }
                    result.append((test, full))
                }
            case "yaml", "yml", "json":
                let value = try document(file: full)
                if let items = value.array { result += items.map { ($0, full) } } else if value.object != nil { result.append((value, full)) } else {
                    throw SuiteError(file: full, field: "tests", message: "must hold a list of tests")
                }
            default:
                throw SuiteError(file: file, field: "tests", message: "\(full) is not a tests file; tests are in YAML, JSON, JSONL or CSV files")
            }
        }
        return result
    }

    static func readText(_ path: String) throws(SuiteError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SuiteError(file: path, field: "file", message: "cannot read the file as UTF-8 text")
        }
        return text
    }

    // MARK: CSV

    /// Each row of a CSV tests file as a test: its columns are vars, except promptfoo's special
    /// ones: `__expected` and `__expected1..N` (assertions in the `type:value` shorthand),
    /// `__description`, `__threshold`, `__metric`, `__prefix`, `__suffix`, `__metadata:key`
    /// (`key[]` a comma list) and `__config:__expectedN:threshold`.
    static func csvTests(_ text: String, path: String) throws(SuiteError) -> [JSONValue] {
        let table: (header: [String], rows: [(line: Int, values: [String: String])])
        do { table = try CSVTable(text, delimiter: csvDelimiter).rows() } catch {
            throw SuiteError(file: path, line: error.line, field: "tests", message: error.message)
        }
        var tests: [JSONValue] = []
        for row in table.rows {
            var vars: [String: JSONValue] = [:], asserts: [[String: JSONValue]] = [], test: [String: JSONValue] = [:]
            var options: [String: JSONValue] = [:], metadata: [String: JSONValue] = [:], thresholds: [Int: Double] = [:]
            var metric: String?
            func problem(_ column: String, _ message: String) -> SuiteError {
                SuiteError(file: path, line: row.line, field: column, message: message)
            }
            for column in table.header {
                let value = row.values[column] ?? ""
                // An empty special cell sets nothing (a var may be empty text).
                if column.hasPrefix("__"), value.trimmingCharacters(in: .whitespaces).isEmpty, column != "__prefix", column != "__suffix" { continue }
                switch column {
                case _ where column.hasPrefix("__expected"):
                    let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !trimmed.isEmpty { asserts.append(expectedAssertion(trimmed)) }
                case "__description": test["description"] = .string(value)
                case "__prefix": options["prefix"] = .string(value)
                case "__suffix": options["suffix"] = .string(value)
                case "__metric": metric = value
                case "__threshold":
                    guard let threshold = Double(value.trimmingCharacters(in: .whitespaces)) else { throw problem(column, "\"\(value)\" is not a number") }
                    test["threshold"] = .number(threshold)
                case "__providerOutput":
                    throw problem(column, "a canned output instead of asking the model (__providerOutput) is not supported")
                case "__metadata":
                    throw problem(column, "__metadata needs a key: __metadata:category")
                case _ where column.hasPrefix("__metadata:"):
                    let key = String(column.dropFirst("__metadata:".count))
                    guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    if key.hasSuffix("[]") {
                        metadata[String(key.dropLast(2))] = .array(splitEscapedCommas(value).map { .string($0) })
                    } else {
                        metadata[key] = .string(value)
                    }
                case _ where column.hasPrefix("__config:"):
                    let parts = column.dropFirst("__config:".count).split(separator: ":").map(String.init)
                    guard parts.count == 2, parts[1] == "threshold", let index = expectedIndex(parts[0]) else {
                        throw problem(column, "a config column is __config:__expected:threshold or __config:__expected<N>:threshold")
                    }
                    guard let threshold = Double(value.trimmingCharacters(in: .whitespaces)) else { throw problem(column, "\"\(value)\" is not a number") }
                    thresholds[index] = threshold
                default:
                    vars[column] = .string(value)
                }
            }
            for (index, threshold) in thresholds where index < asserts.count { asserts[index]["threshold"] = .number(threshold) }
            if let metric { for i in asserts.indices { asserts[i]["metric"] = .string(metric) } }
            test["vars"] = .object(vars)
            if !asserts.isEmpty { test["assert"] = .array(asserts.map { .object($0) }) }
            if !options.isEmpty { test["options"] = .object(options) }
            if !metadata.isEmpty { test["metadata"] = .object(metadata) }
            tests.append(.object(test))
        }
        return tests
    }

    /// `__expected` is 0, `__expected3` is 2.
    static func expectedIndex(_ key: String) -> Int? {
        if key == "__expected" { return 0 }
        guard key.hasPrefix("__expected"), let n = Int(key.dropFirst("__expected".count)), n >= 1 else { return nil }
        return n - 1
    }

    /// `a,b\,c` is ["a", "b,c"], each trimmed.
    static func splitEscapedCommas(_ text: String) -> [String] {
        var items: [String] = [], current = "", escaped = false
        for c in text {
            if escaped { current.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == "," {
                items.append(current)
                current = ""
            } else { current.append(c) }
        }
        items.append(current)
        return items.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Every assertion type promptfoo has, for reading `type:value`: a type Genesis lacks is
    /// then refused by name instead of becoming an `equals` of the whole text.
    static let promptfooAssertionTypes: Set<String> = [
        "answer-relevance", "bleu", "classifier", "contains", "contains-all", "contains-any", "contains-html", "contains-json",
        "contains-sql", "contains-xml", "context-faithfulness", "context-recall", "context-relevance", "conversation-relevance",
        "cost", "equals", "factuality", "finish-reason", "g-eval", "gleu", "guardrails", "icontains", "icontains-all",
        "icontains-any", "is-html", "is-json", "is-refusal", "is-sql", "is-valid-function-call", "is-valid-openai-function-call",
        "is-valid-openai-tools-call", "is-xml", "javascript", "latency", "levenshtein", "llm-rubric", "max-score", "meteor",
        "model-graded-closedqa", "model-graded-factuality", "moderation", "perplexity", "perplexity-score", "pi", "python",
        "regex", "rouge-n", "ruby", "search-rubric", "select-best", "similar", "starts-with", "tool-call-f1",
        "trace-error-spans", "trace-span-count", "trace-span-duration", "webhook", "word-count",
    ]

    /// promptfoo's `__expected` shorthand as an assertion: `javascript:`, `fn:` or `eval:` code
    /// (or a `file://` .js), `python:` code (or a `file://` .py), `grade:` or `llm-rubric:` a
    /// rubric, `[not-]type[(threshold)][:value]` for any type (lists for contains-any/-all, a
    /// threshold of 0.8 for similar), and anything else an `equals` of the whole text.
    static func expectedAssertion(_ text: String) -> [String: JSONValue] {
        for prefix in ["javascript:", "fn:", "eval:"] where text.hasPrefix(prefix) {
            return ["type": "javascript", "value": .string(text.dropFirst(prefix.count).trimmingCharacters(in: .whitespacesAndNewlines))]
        }
        if text.hasPrefix("file://") {
            let ext = ((text.split(separator: ":").prefix(2).joined(separator: ":")) as NSString).pathExtension.lowercased()
            if ["js", "cjs", "mjs"].contains(ext) { return ["type": "javascript", "value": .string(text)] }
            if ext == "py" { return ["type": "python", "value": .string(text)] }
        }
        for prefix in ["grade:", "llm-rubric:"] where text.hasPrefix(prefix) {
            return ["type": "llm-rubric", "value": .string(text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces))]
        }
        if text.hasPrefix("python:") {
            return ["type": "python", "value": .string(text.dropFirst("python:".count).trimmingCharacters(in: .whitespacesAndNewlines))]
        }
        // [not-]type, then (threshold), then :value, each optional after the type.
        let head = text.prefix { $0 != ":" && $0 != "(" }
        let negated = head.hasPrefix("not-")
        let type = String(negated ? head.dropFirst(4) : head)
        guard promptfooAssertionTypes.contains(type) else { return ["type": "equals", "value": .string(text)] }
        var rest = text.dropFirst(head.count), threshold: Double?
        if rest.hasPrefix("(") {
            guard let close = rest.firstIndex(of: ")"), let number = Double(rest[rest.index(after: rest.startIndex)..<close]) else {
                return ["type": "equals", "value": .string(text)]
            }
            threshold = number
            rest = rest[rest.index(after: close)...]
        }
        guard rest.isEmpty || rest.hasPrefix(":") else { return ["type": "equals", "value": .string(text)] }
        let raw = rest.isEmpty ? nil : String(rest.dropFirst())
        var assertion: [String: JSONValue] = ["type": .string((negated ? "not-" : "") + type)]
        if let raw {
            switch type {
            case "contains-any", "contains-all", "icontains-any", "icontains-all":
                assertion["value"] = .array(raw.split(separator: ",", omittingEmptySubsequences: false).map { .string($0.trimmingCharacters(in: .whitespaces)) })
            case "is-json", "contains-json":
                assertion["value"] = .string(raw)
            default:
                assertion["value"] = .string(raw.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        if let threshold { assertion["threshold"] = .number(threshold) } else if type == "similar" { assertion["threshold"] = .number(0.8) }
        return assertion
    }

    // MARK: file:// values

    /// `test` with its `vars` read from files: `vars: file://vars.yaml` (or a glob, merged in
    /// order), and each `name: file://...` value as the file's text, `.json` and `.yaml`
    /// parsed, a glob a list of them (one test per file, as any list). Scripted vars (`.js`,
    /// `.py`) and documents Genesis cannot read (PDF, video, audio) are refused by name;
    /// images become base64 text, as in promptfoo.
    static func resolvingFileVars(_ test: JSONValue, file: String, name: String, directory: String) throws(SuiteError) -> JSONValue {
        guard var object = test.object, let vars = object["vars"] else { return test }
        var table: [String: JSONValue]
        switch vars {
        case .string(let reference) where reference.hasPrefix("file://"):
            table = [:]
            let path = String(reference.dropFirst(7))
            let paths = FileGlob.hasWildcards(path) ? FileGlob.expand(path, directory: directory) : [resolve(path, directory: directory)]
            guard !paths.isEmpty else { throw SuiteError(file: file, test: name, field: "vars", message: "\(reference) matches no file") }
            for full in paths {
                guard let mapping = try document(file: full).object else {
                    throw SuiteError(file: full, test: name, field: "vars", message: "a vars file must hold a mapping of names to values")
                }
                table.merge(mapping) { $1 }
            }
        case .object(let mapping):
            table = mapping
        default:
            return test // testCase says what is wrong
        }
        for key in table.keys.sorted() {
            guard case .string(let text)? = table[key], text.hasPrefix("file://") else { continue }
            table[key] = try fileValue(String(text.dropFirst(7)), directory: directory, file: file, test: name, field: "vars.\(key)", list: true)
        }
        object["vars"] = .object(table)
        return .object(object)
    }

    /// The value of a `file://` reference: text, parsed JSON or YAML, or (a glob, when `list`)
    /// a list of them.
    static func fileValue(_ path: String, directory: String, file: String, test: String, field: String, list: Bool) throws(SuiteError) -> JSONValue {
        if FileGlob.hasWildcards(path) {
            let paths = FileGlob.expand(path, directory: directory)
            guard list else { throw SuiteError(file: file, test: test, field: field, message: "file://\(path): a glob is not allowed here") }
            guard !paths.isEmpty else { throw SuiteError(file: file, test: test, field: field, message: "file://\(path) matches no file") }
            var values: [JSONValue] = []
            for full in paths { values.append(try fileContent(full, file: file, test: test, field: field)) }
            return .array(values)
        }
        return try fileContent(resolve(path, directory: directory), file: file, test: test, field: field)
    }

    static func fileContent(_ path: String, file: String, test: String, field: String) throws(SuiteError) -> JSONValue {
        let ext = (path.split(separator: ":").first.map(String.init) ?? path as String)
        switch (ext as NSString).pathExtension.lowercased() {
        case let e where codeExtensions.contains(e):
            throw SuiteError(file: file, test: test, field: field, message: "values made by code (file://\(path)) are not supported; save the value to a text, JSON or YAML file")
        case "pdf":
            throw SuiteError(file: file, test: test, field: field, message: "text from PDF files (\(path)) is not supported; extract it to a .txt file")
        case "mp4", "mov", "webm", "mkv", "avi", "mp3", "wav", "ogg", "flac", "m4a":
            throw SuiteError(file: file, test: test, field: field, message: "audio and video files (\(path)) are not supported as values")
        case "png", "jpg", "jpeg", "gif", "webp", "bmp":
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SuiteError(file: file, test: test, field: field, message: "cannot read \(path)")
            }
            return .string(data.base64EncodedString())
        case "json", "yaml", "yml":
            guard FileManager.default.fileExists(atPath: path) else { throw SuiteError(file: file, test: test, field: field, message: "cannot read \(path): there is no such file") }
            return try document(file: path)
        default:
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw SuiteError(file: file, test: test, field: field, message: "cannot read \(path) as UTF-8 text; check the path")
            }
            return .string(text)
        }
    }
}
