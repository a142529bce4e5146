import GenesisEngine

/// Short human forms of numbers for narrow panes.
enum Format {
    static func duration(_ d: Duration) -> String {
        let s = d.seconds
        return s < 1 ? "\(Int((s * 1000).rounded())) ms" : String(format: "%.1f s", s)
    }

    static func count(_ n: Int) -> String {
        n >= 10_000 ? String(format: "%.0fk", Double(n) / 1000) : n >= 1000 ? String(format: "%.1fk", Double(n) / 1000) : "\(n)"
    }

    /// `▁▂▃▄▅▆▇█` for the values, scaled to their maximum.
    static func sparkline(_ values: [Double], width: Int) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let shown = values.suffix(width)
        guard let top = shown.max(), top > 0 else { return "" }
        return String(shown.map { blocks[min(7, Int(($0 / top) * 7))] })
    }
}

import Foundation
