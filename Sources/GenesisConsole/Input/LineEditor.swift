/// The prompt being typed: text, cursor, readline editing and history.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: [Character] = []
    public private(set) var cursor = 0
    public private(set) var history: [String] = []
    private var historyIndex: Int?
    private var draft: [Character] = []

    public init(history: [String] = []) {
        self.history = history
    }

    public var string: String { String(text) }
    public var isEmpty: Bool { text.isEmpty }

    /// Applies an editing key; returns false for keys that are not editing keys.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(String(c))
        case .paste(let s): insert(s)
        case .altEnter: insert("\n")
        case .backspace: if cursor > 0 { text.remove(at: cursor - 1); cursor -= 1 }
        case .delete, .ctrl("d"): if cursor < text.count { text.remove(at: cursor) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = lineStart
        case .end, .ctrl("e"): cursor = lineEnd
        case .ctrl("k"): text.removeSubrange(cursor..<lineEnd)
        case .ctrl("u"): let start = lineStart; text.removeSubrange(start..<cursor); cursor = start
        case .ctrl("w"): let start = wordStart(before: cursor); text.removeSubrange(start..<cursor); cursor = start
        case .alt("b"): cursor = wordStart(before: cursor)
        case .alt("f"): cursor = wordEnd(after: cursor)
        case .up: recall(older: true)
        case .down: recall(older: false)
        default: return false
        }
        return true
    }

    /// Takes the text (for sending) and remembers it in the history.
    public mutating func take() -> String {
        let value = string
        if !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, history.last != value { history.append(value) }
        text = []
        cursor = 0
        historyIndex = nil
        return value
    }

    public mutating func set(_ value: String) {
        text = Array(value)
        cursor = text.count
    }

    private mutating func insert(_ s: String) {
        text.insert(contentsOf: s, at: cursor)
        cursor += s.count
        historyIndex = nil
    }

    private var lineStart: Int {
        var i = cursor
        while i > 0, text[i - 1] != "\n" { i -= 1 }
        return i
    }

    private var lineEnd: Int {
        var i = cursor
        while i < text.count, text[i] != "\n" { i += 1 }
        return i
    }

    private func wordStart(before index: Int) -> Int {
        var i = index
        while i > 0, text[i - 1].isWhitespace { i -= 1 }
        while i > 0, !text[i - 1].isWhitespace { i -= 1 }
        return i
    }

    private func wordEnd(after index: Int) -> Int {
        var i = index
        while i < text.count, text[i].isWhitespace { i += 1 }
        while i < text.count, !text[i].isWhitespace { i += 1 }
        return i
    }

    private mutating func recall(older: Bool) {
        guard !history.isEmpty else { return }
        if historyIndex == nil { guard older else { return }; draft = text }
        let next = (historyIndex ?? history.count) + (older ? -1 : 1)
        if next >= history.count {
            historyIndex = nil
            text = draft
        } else {
            historyIndex = max(0, next)
            text = Array(history[max(0, next)])
        }
        cursor = text.count
    }
}

import Foundation
