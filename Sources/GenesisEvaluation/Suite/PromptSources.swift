import Foundation
import GenesisEngine

/// `prompts:` as promptfoo reads it: text; `file://` files (several prompts in a `.txt` split by
/// `---` lines, chat prompts in `.json`, `.yaml` and `.jsonl`, prompts from `.csv`, `.md` and
/// `.j2` as text) and globs of them; `{raw | id | messages, label}` objects; and the older
/// `{path: label}` mapping and bare paths. What Genesis cannot do is refused by name: prompt
/// functions (`.js`, `.py`), prompts from prompt-management services, per-prompt `config`.
extension SuiteLoader {
    /// Extensions of files that promptfoo reads as prompts; a bare string ending in one that
    /// names a file is that file (promptfoo's older `prompts: [prompts.txt]`).
    static let promptFileExtensions: Set<String> = ["txt", "md", "j2", "json", "jsonl", "yaml", "yml", "csv"]
    /// Prompt sources Genesis cannot read, with what they are.
    static let promptFunctionExtensions: Set<String> = ["js", "cjs", "mjs", "ts", "mts", "cts", "py"]
    static let promptServices = ["langfuse://": "Langfuse", "portkey://": "Portkey", "helicone://": "Helicone"]

    static func prompts(_ value: JSONValue, file: String, directory: String) throws(SuiteError) -> [PromptTemplate] {
        var items: [(JSONValue, String)]
        switch value {
        case .array(let list):
            items = list.enumerated().map { ($1, "prompts[\($0)]") }
        case .object(let object) where object["raw"] == nil && object["id"] == nil && object["messages"] == nil && object["label"] == nil:
            // The older mapping of paths to labels: {file://a.txt: "A", b.txt: "B"}.
            items = []
            for key in object.keys.sorted() {
                guard let label = object[key]?.string else {
                    throw SuiteError(file: file, field: "prompts.\(key)", message: "in a mapping of prompt files to labels, the label must be a string")
                }
                items.append((.object(["id": .string(key), "label": .string(label)]), "prompts.\(key)"))
            }
        default:
            items = [(value, "prompts")]
        }
        var result: [PromptTemplate] = []
        for (item, field) in items {
            do {
                result += try prompt(item, number: result.count + 1, directory: directory)
            } catch {
                throw SuiteError(file: error.file ?? file, line: error.line, field: error.field == "prompts" ? field : error.field, message: error.message)
            }
        }
        return result
    }

    /// The prompts one item of `prompts:` stands for.
    static func prompt(_ item: JSONValue, number: Int, directory: String) throws(SuiteError) -> [PromptTemplate] {
        switch item {
        case .string(let text):
            if let path = fileReference(text, directory: directory) { return try promptFile(path, label: nil, directory: directory) }
            return [try textPrompt(text, label: "prompt \(number)")]
        case .object(let object):
            let allowed: Set<String> = ["id", "raw", "label", "messages", "config", "function"]
            for key in object.keys.sorted() where !allowed.contains(key) {
                throw SuiteError(field: "prompts", message: "unknown field \(key); a prompt object has raw, id (a file://), messages, and label")
            }
            if object["config"] != nil {
                throw SuiteError(field: "prompts", message: "a prompt's own config (provider settings such as temperature or response_format for this prompt) is not supported; set them for the whole run instead")
            }
            if object["function"] != nil {
                throw SuiteError(field: "prompts", message: "prompt functions are not supported; write the prompt as text or as chat messages")
            }
            let label = object["label"].map { $0.string ?? SuiteLoader.text($0) }
            let sources = ["raw", "id", "messages"].filter { object[$0] != nil }
            guard sources.count == 1 else {
                throw SuiteError(field: "prompts", message: sources.isEmpty ? "a prompt object needs raw: \"text\", id: file://path, or messages: [{role, content}]"
                                                                             : "a prompt object takes one of \(sources.joined(separator: ", ")), not several")
            }
            if let messages = object["messages"] {
                return [PromptTemplate(label: label ?? "prompt \(number)", messages: try chatMessages(messages, source: "messages"))]
            }
            if let id = object["id"] {
                guard let text = id.string else { throw SuiteError(field: "prompts", message: "id must be a string: file://path (or the prompt's text)") }
                if let path = fileReference(text, directory: directory) { return try promptFile(path, label: label, directory: directory) }
                return [try textPrompt(text, label: label ?? "prompt \(number)")]
            }
            guard let raw = object["raw"]?.string else { throw SuiteError(field: "prompts", message: "raw must be the prompt's text") }
            return [try textPrompt(raw, label: label ?? "prompt \(number)")]
        default:
            throw SuiteError(field: "prompts", message: "must be text, \"file://path\", or {raw | id | messages, label}")
        }
    }

    /// The path a prompt string names: `file://...`, or a bare path of an existing prompt file
    /// (promptfoo's older form). Other text is not a reference. Services are refused by name.
    static func fileReference(_ text: String, directory: String) -> String? {
        if text.hasPrefix("file://") { return String(text.dropFirst(7)) }
        guard !text.contains(where: \.isWhitespace), !text.contains("{{"),
              promptFileExtensions.union(promptFunctionExtensions).contains((text as NSString).pathExtension.lowercased()) else { return nil }
        let resolved = resolve(text, directory: directory)
        return FileManager.default.fileExists(atPath: resolved) || (FileGlob.hasWildcards(text) && !FileGlob.expand(text, directory: directory).isEmpty) ? text : nil
    }

    /// A prompt given as text: a chat when the text is a JSON list of `{role, content}` (as
    /// promptfoo sends such text to chat models), else a text prompt.
    static func textPrompt(_ text: String, label: String) throws(SuiteError) -> PromptTemplate {
        for (scheme, service) in promptServices where text.hasPrefix(scheme) {
            throw SuiteError(field: "prompts", message: "prompts from \(service) (\(scheme)) are not supported; copy the prompt into the suite or a file")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("["), let json = JSONValue.parse(trimmed), let list = json.array, !list.isEmpty,
           list.allSatisfy({ $0["role"] != nil && $0["content"] != nil }) {
            return PromptTemplate(label: label, messages: try chatMessages(json, source: label))
        }
        return PromptTemplate(label: label, template: text)
    }

    /// The prompts in the file (or files, for a glob) at `path`, labelled `label` or by file.
    static func promptFile(_ reference: String, label: String?, directory: String) throws(SuiteError) -> [PromptTemplate] {
        let ext = (reference as NSString).pathExtension.lowercased()
        // `prompts.py:function`: the extension is before the colon.
        let functionExt = reference.split(separator: ":").dropFirst().isEmpty ? ext
            : ((reference.split(separator: ":").dropLast().joined(separator: ":")) as NSString).pathExtension.lowercased()
        if promptFunctionExtensions.contains(ext) || promptFunctionExtensions.contains(functionExt) {
            throw SuiteError(field: "prompts", message: "prompt functions (file://\(reference)) are not supported: Genesis does not run code to make prompts; write the prompt as text or as chat messages in a .json or .yaml file")
        }
        if ext == "prompty" { throw SuiteError(field: "prompts", message: "Prompty files (file://\(reference)) are not supported") }
        let paths: [String]
        if FileGlob.hasWildcards(reference) {
            paths = FileGlob.expand(reference, directory: directory)
            guard !paths.isEmpty else { throw SuiteError(field: "prompts", message: "file://\(reference) matches no file") }
        } else {
            paths = [resolve(reference, directory: directory)]
        }
        var result: [PromptTemplate] = []
        for path in paths {
            // A glob's files are told apart by their paths; one file by its name.
            let name = paths.count > 1 ? relative(path, to: directory) : (path as NSString).lastPathComponent
            var base = label ?? name
            if label != nil, paths.count > 1 { base += ": " + name }
            result += try promptsInFile(path, base: base, labelled: label != nil)
        }
        return result
    }

    static func relative(_ path: String, to directory: String) -> String {
        let root = directory.hasPrefix("/") ? directory : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        let prefix = (root as NSString).standardizingPath + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// The prompts one file holds, by its kind.
    static func promptsInFile(_ path: String, base: String, labelled: Bool) throws(SuiteError) -> [PromptTemplate] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SuiteError(field: "prompts", message: "cannot read \(path): there is no such file")
        }
        guard !isDirectory.boolValue else { throw SuiteError(field: "prompts", message: "\(path) is a directory; name its files, e.g. file://\(base)/*.txt") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw SuiteError(field: "prompts", message: "cannot read \(path) as UTF-8 text")
        }
        func numbered(_ texts: [String]) throws(SuiteError) -> [PromptTemplate] {
            var result: [PromptTemplate] = []
            for (i, text) in texts.enumerated() { result.append(try textPrompt(text, label: texts.count > 1 ? "\(base)[\(i + 1)]" : base)) }
            return result
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "json":
            guard let json = JSONValue.parse(text) else {
                // Tags around the messages ({% for %} over _conversation): the file is a template
                // whose rendering is the list of messages, read when each test renders it.
                if text.contains("{%") || text.contains("{#") { return [PromptTemplate(label: base, template: text)] }
                throw SuiteError(file: path, field: "prompts", message: "a JSON prompt file must hold a list of {role, content} messages; it is not valid JSON")
            }
            return [PromptTemplate(label: base, messages: try chatMessages(json, source: path))]
        case "yaml", "yml":
            let yaml = try value(text, file: path)
            return [PromptTemplate(label: base, messages: try chatMessages(yaml, source: path))]
        case "jsonl":
            var result: [PromptTemplate] = []
            let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
            for (i, line) in lines.enumerated() {
                guard let json = JSONValue.parse(String(line)) else {
                    throw SuiteError(file: path, field: "prompts", message: "line \(i + 1) is not JSON; each line of a .jsonl prompt file is a list of {role, content} messages")
                }
                result.append(PromptTemplate(label: lines.count > 1 ? "\(base)[\(i + 1)]" : base, messages: try chatMessages(json, source: "\(path) line \(i + 1)")))
            }
            return result
        case "csv":
            return try csvPrompts(text, path: path, base: base, labelled: labelled)
        case "md", "j2", "jinja", "jinja2":
            return try numbered([text])
        default:
            // Text: several prompts split by lines of `---` (PROMPTFOO_PROMPT_SEPARATOR), each trimmed.
            let separator = ProcessInfo.processInfo.environment["PROMPTFOO_PROMPT_SEPARATOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "---"
            var prompts: [String] = [], buffer: [Substring] = []
            func flush() {
                let raw = buffer.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                if !raw.isEmpty { prompts.append(raw) }
                buffer = []
            }
            for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
                if line.trimmingCharacters(in: .whitespaces) == separator { flush() } else { buffer.append(line) }
            }
            flush()
            guard !prompts.isEmpty else { throw SuiteError(file: path, field: "prompts", message: "the file holds no prompt") }
            return try numbered(prompts)
        }
    }

    /// Prompts from CSV, as promptfoo documents them: with a header, a `prompt` column and an
    /// optional `label` column; without a delimiter in the file, one prompt a line (a first line
    /// `prompt` is a header).
    static func csvPrompts(_ text: String, path: String, base: String, labelled: Bool) throws(SuiteError) -> [PromptTemplate] {
        let delimiter = csvDelimiter
        if !text.contains(delimiter) {
            var lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.allSatisfy(\.isWhitespace) }
            if lines.first?.trimmingCharacters(in: .whitespaces).lowercased() == "prompt" { lines.removeFirst() }
            var result: [PromptTemplate] = []
            for (i, line) in lines.enumerated() { result.append(try textPrompt(line, label: lines.count > 1 ? "\(base)[\(i + 1)]" : base)) }
            return result
        }
        let table: (header: [String], rows: [(line: Int, values: [String: String])])
        do { table = try CSVTable(text, delimiter: delimiter).rows() } catch {
            throw SuiteError(file: path, line: error.line, field: "prompts", message: error.message)
        }
        guard table.header.contains("prompt") else {
            throw SuiteError(file: path, line: 1, field: "prompts", message: "a CSV prompts file needs a prompt column (and may have label); its columns are \(table.header.joined(separator: ", "))")
        }
        let rows = table.rows.filter { !($0.values["prompt"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        var result: [PromptTemplate] = []
        for (i, row) in rows.enumerated() {
            let prompt = (row.values["prompt"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let own = row.values["label"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            result.append(try textPrompt(prompt, label: own ?? (rows.count > 1 ? "\(base)[\(i + 1)]" : base)))
        }
        return result
    }

    /// The delimiter of CSV files: PROMPTFOO_CSV_DELIMITER, or a comma.
    static var csvDelimiter: Character {
        ProcessInfo.processInfo.environment["PROMPTFOO_CSV_DELIMITER"].flatMap { $0.count == 1 ? $0.first : nil } ?? ","
    }

    /// A list of `{role, content}` as chat messages: system, user or assistant, with text content.
    static func chatMessages(_ value: JSONValue, source: String) throws(SuiteError) -> [PromptMessage] {
        guard let list = value.array, !list.isEmpty else {
            throw SuiteError(file: source.hasPrefix("/") ? source : nil, field: "prompts",
                             message: "a chat prompt must be a list of {role, content} messages")
        }
        var messages: [PromptMessage] = []
        for (i, item) in list.enumerated() {
            let place = "message \(i + 1)"
            guard let object = item.object else { throw SuiteError(field: "prompts", message: "\(place) of \(source) must be {role, content}") }
            for key in object.keys.sorted() where key != "role" && key != "content" {
                throw SuiteError(field: "prompts", message: "\(place) of \(source) has \(key), which is not supported; a message has role and content")
            }
            guard let roleName = object["role"]?.string, let role = ChatRole(rawValue: roleName) else {
                throw SuiteError(field: "prompts", message: "\(place) of \(source) has role \(object["role"].map { SuiteLoader.text($0) } ?? "(none)"); Genesis sends system, user and assistant messages")
            }
            guard let content = object["content"]?.string else {
                throw SuiteError(field: "prompts", message: "\(place) of \(source) has content that is not text (parts such as images are not supported in chat prompt files)")
            }
            messages.append(PromptMessage(role: role, content: content))
        }
        return messages
    }
}
