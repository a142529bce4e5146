import Foundation

/// Checks answers that were asked to be JSON.
enum JSONCheck {
    /// nil when `text` (trimmed) is one JSON value; otherwise what is wrong, in a sentence.
    static func problem(in text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "the answer is empty, not JSON" }
        if trimmed.hasPrefix("```") { return "the answer is wrapped in a Markdown code fence, not bare JSON" }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            return "the answer is not valid JSON: \(detail)"
        }
    }
}
