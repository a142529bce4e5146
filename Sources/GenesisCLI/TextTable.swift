/// Plain-text tables for list commands: columns as wide as their widest cell, two spaces apart,
/// the first column (a name) left-aligned and the others right-aligned unless said otherwise.
struct TextTable {
    let header: [String]
    let rows: [[String]]
    let leftAligned: Set<Int>
    /// Each column's width, measured once.
    let widths: [Int]

    init(header: [String], rows: [[String]], leftAligned: Set<Int> = [0]) {
        self.header = header
        self.rows = rows
        self.leftAligned = leftAligned
        widths = header.indices.map { i in ([header[i]] + rows.map { i < $0.count ? $0[i] : "" }).map(\.count).max() ?? 0 }
    }

    func line(_ cells: [String]) -> String {
        var line = cells.enumerated().map { i, cell in
            let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
            return leftAligned.contains(i) ? cell + pad : pad + cell
        }.joined(separator: "  ")
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }

    /// The header and every row, one line each.
    var rendered: String {
        ([header] + rows).map { line($0) + "\n" }.joined()
    }
}
