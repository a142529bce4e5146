import Foundation

/// Removes API keys from text before it is shown, logged or stored: the keys Genesis holds and
/// anything shaped like a provider key (`sk-…`, `sk-ant-…`, `AIza…`, `gsk_…`, `AKIA…`,
/// `ghp_…`, `xox…-`). At most the last four characters remain.
public enum Redactor {
    static let patterns = [
        #"sk-ant-[A-Za-z0-9_\-*.…]{8,}"#, #"sk-[A-Za-z0-9_\-*.…]{12,}"#, #"AIza[0-9A-Za-z_\-]{20,}"#,
        #"gsk_[A-Za-z0-9]{20,}"#, #"AKIA[0-9A-Z]{16}"#, #"gh[pousr]_[A-Za-z0-9]{30,}"#, #"xox[abposr]-[A-Za-z0-9-]{10,}"#,
    ]

    public static func redact(_ text: String, keys: [String] = []) -> String {
        var text = text
        for key in keys where key.count >= 8 { text = text.replacingOccurrences(of: key, with: mask(key)) }
        for pattern in patterns {
            var searchStart = text.startIndex
            while let range = text.range(of: pattern, options: .regularExpression, range: searchStart..<text.endIndex) {
                let masked = mask(String(text[range]))
                text.replaceSubrange(range, with: masked)
                searchStart = text.index(range.lowerBound, offsetBy: masked.count)
            }
        }
        return text
    }

    /// `…wxyz`: the last four characters, the rest hidden.
    public static func mask(_ key: String) -> String {
        "…" + key.suffix(4)
    }
}
