internal import CYaml // Yams's libyaml: its event parser, which Yams keeps to itself

/// What a YAML suite may make its loader build, checked on libyaml's events before Yams
/// builds anything: an alias repeats its anchor's whole node, so a few hundred bytes of
/// aliases to aliases ("billion laughs") would expand to billions of values and exhaust
/// memory. The scan keeps each anchor's expanded size (its nodes, aliases inside counted at
/// their own expanded size), so it runs in time linear in the text whatever the aliases would
/// expand to. Nesting is bounded too: Yams builds values recursively.
public struct YAMLLimits: Sendable, Hashable {
    /// Aliases (`*name`, merge keys `<<: *name` included) in one document.
    public var aliases = 10_000
    /// Nodes (scalars, lists and mappings) that aliases add to a document, in all.
    public var nodesAddedByAliases = 100_000
    /// Lists and mappings inside one another.
    public var depth = 512

    public init() {}

    /// Why `text` is refused: the line and what went over.
    public struct Problem: Sendable, Hashable {
        public var line: Int
        public var message: String
    }

    /// The first limit `text` goes over, or nil. Text libyaml cannot parse is left to the loader,
    /// which reports the syntax error with its own words.
    public func problem(in text: String) -> Problem? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var scan = Scan(limits: self)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let problem = scan.step(event)
                let ended = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                if let problem { return problem }
                if ended { return nil }
            }
            return nil
        }
    }

    /// The running counts of one pass over the events.
    private struct Scan {
        let limits: YAMLLimits
        /// Expanded sizes of the anchors defined so far in this document.
        var anchors: [String: Int] = [:]
        /// The lists and mappings open around the current event: their size so far and anchor.
        var open: [(size: Int, anchor: String?)] = []
        var aliases = 0, added = 0

        mutating func step(_ event: yaml_event_t) -> Problem? {
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]
                aliases = 0
                added = 0
            case YAML_SCALAR_EVENT:
                if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = 1 }
                add(1)
            case YAML_ALIAS_EVENT:
                aliases += 1
                guard aliases <= limits.aliases else {
                    return Problem(line: line, message: "more than \(limits.aliases) YAML aliases (*name) in one document; \(advice)")
                }
                // An alias to an anchor not defined (yet) is Yams's error to report; it adds nothing here.
                let size = name(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                added += size
                guard added <= limits.nodesAddedByAliases else {
                    return Problem(line: line, message: "YAML aliases here would expand the document by more than \(limits.nodesAddedByAliases) values (this one repeats \(size)); \(advice)")
                }
                add(size)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                open.append((1, name(anchor)))
                guard open.count <= limits.depth else {
                    return Problem(line: line, message: "lists and mappings nested more than \(limits.depth) deep; flatten the suite")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                if let anchor = closed.anchor { anchors[anchor] = closed.size }
                add(closed.size)
            default:
                break
            }
            return nil
        }

        private mutating func add(_ size: Int) {
            if !open.isEmpty { open[open.count - 1].size += size }
        }

        private var advice: String {
            "a suite may use at most \(limits.aliases) aliases adding at most \(limits.nodesAddedByAliases) values in all; write the repeated parts out, or use defaultTest for what every test shares"
        }

        private func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
