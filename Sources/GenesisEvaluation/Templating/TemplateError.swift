/// A template that cannot be read or rendered: what is wrong, and on which line of the
/// template (1-based) when it has one place. The suite loader adds which prompt or test.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int?
    public var message: String
    /// The variable a bare `{{ name }}` needed and the test did not set; nil for other mistakes.
    public var missingVariable: String?

    public init(line: Int? = nil, _ message: String, missingVariable: String? = nil) {
        self.line = line
        self.message = message
        self.missingVariable = missingVariable
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
