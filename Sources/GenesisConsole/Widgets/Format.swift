import GenesisEngine

/// Short human forms of numbers for narrow panes.
enum Format {
    static func duration(_ d: Duration) -> String {
        let s = d.seconds
        return s < 1 ? "\(Int((s * 1000).rounded())) ms" : DecimalText.fixed(s, places: 1) + " s"
    }

    static func count(_ n: Int) -> String {
        n >= 1000 ? DecimalText.fixed(Double(n) / 1000, places: n >= 10_000 ? 0 : 1) + "k" : "\(n)"
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
