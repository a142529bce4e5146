import Foundation
import GenesisEngine

extension TestCase {
    /// The variables templates see, as promptfoo prepares them: typed values as the suite gave
    /// them, one trailing newline cut from each text, and `{{ name }}` inside a text variable
    /// replaced by the variable it names (promptfoo's variable composition: one reference
    /// per variable a round, at most five rounds; an unknown name stays for the template to
    /// report).
    public var templateVariables: [String: JSONValue] {
        var variables = varsJSON.object ?? [:]
        for (name, value) in variables {
            if case .string(let text) = value, text.hasSuffix("\n") { variables[name] = .string(String(text.dropLast())) }
        }
        for _ in 0..<5 {
            var changed = false
            for name in variables.keys.sorted() {
                guard case .string(let text) = variables[name],
                      let match = text.range(of: #"\{\{\s*(\w+)\s*\}\}"#, options: .regularExpression) else { continue }
                let reference = text[match]
                let inner = reference.dropFirst(2).dropLast(2).trimmingCharacters(in: .whitespaces)
                guard let replacement = variables[inner] else { continue }
                variables[name] = .string(text.replacingCharacters(in: match, with: TemplateValue.text(replacement)))
                changed = true
            }
            if !changed { break }
        }
        return variables
    }
}
