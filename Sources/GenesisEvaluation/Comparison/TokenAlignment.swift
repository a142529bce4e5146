/// Which tokens of two texts a diff leaves unmatched, in time that stays near linear for long
/// answers that differ everywhere. `CollectionDifference` (Myers) takes time and memory that grow
/// with the product of the length and the number of differences, so long unrelated answers would
/// take far too long (figures: Benchmarks/README.md, the report's diffs). Instead: the common prefix and suffix are matched first;
/// what is left is diffed directly when it is short, else line by line first, and then word by
/// word inside each changed run of lines that is short enough; a changed run longer than that is
/// changed as a whole.
enum TokenAlignment {
    /// Tokens, both sides together, diffed directly at most.
    static let directLimit = 4_000

    static func unmatched(_ left: [Substring], _ right: [Substring]) -> (removed: Set<Int>, inserted: Set<Int>) {
        var alignment = Alignment(left: left, right: right)
        alignment.align(0..<left.count, 0..<right.count, linesFirst: true)
        return (alignment.removed, alignment.inserted)
    }

    struct Alignment {
        let left: [Substring], right: [Substring]
        let leftKeys: [WordTokens.Key], rightKeys: [WordTokens.Key]
        var removed = Set<Int>(), inserted = Set<Int>()

        init(left: [Substring], right: [Substring]) {
            self.left = left
            self.right = right
            leftKeys = left.map(WordTokens.Key.init)
            rightKeys = right.map(WordTokens.Key.init)
        }

        mutating func align(_ a: Range<Int>, _ b: Range<Int>, linesFirst: Bool) {
            var a = a, b = b
            while !a.isEmpty, !b.isEmpty, leftKeys[a.lowerBound] == rightKeys[b.lowerBound] {
                a = a.dropFirst(); b = b.dropFirst()
            }
            while !a.isEmpty, !b.isEmpty, leftKeys[a.upperBound - 1] == rightKeys[b.upperBound - 1] {
                a = a.dropLast(); b = b.dropLast()
            }
            if a.isEmpty || b.isEmpty || a.count + b.count <= TokenAlignment.directLimit {
                for change in Array(rightKeys[b]).difference(from: Array(leftKeys[a])) {
                    switch change {
                    case .remove(let offset, _, _): removed.insert(a.lowerBound + offset)
                    case .insert(let offset, _, _): inserted.insert(b.lowerBound + offset)
                    }
                }
                return
            }
            guard linesFirst else { // a changed run of lines too long to diff word by word
                removed.formUnion(a)
                inserted.formUnion(b)
                return
            }
            let leftLines = Self.lines(left, a), rightLines = Self.lines(right, b)
            let lineKeys = { (keys: [WordTokens.Key], line: Range<Int>) in Array(keys[line]) }
            var removedLines = Set<Int>(), insertedLines = Set<Int>()
            for change in rightLines.map({ lineKeys(rightKeys, $0) }).difference(from: leftLines.map({ lineKeys(leftKeys, $0) })) {
                switch change {
                case .remove(let offset, _, _): removedLines.insert(offset)
                case .insert(let offset, _, _): insertedLines.insert(offset)
                }
            }
            // Walk both lists of lines; each changed run between matched lines is aligned word by word.
            var i = 0, j = 0
            while i < leftLines.count || j < rightLines.count {
                let firstI = i, firstJ = j
                while i < leftLines.count, removedLines.contains(i) { i += 1 }
                while j < rightLines.count, insertedLines.contains(j) { j += 1 }
                if i > firstI || j > firstJ {
                    let runA = i > firstI ? leftLines[firstI].lowerBound..<leftLines[i - 1].upperBound : Self.empty(at: leftLines, i, a)
                    let runB = j > firstJ ? rightLines[firstJ].lowerBound..<rightLines[j - 1].upperBound : Self.empty(at: rightLines, j, b)
                    align(runA, runB, linesFirst: false)
                    continue
                }
                // Matched lines: the same tokens on both sides, nothing to mark.
                i += 1; j += 1
            }
        }

        /// `range` cut after each whitespace token that holds a line break.
        static func lines(_ tokens: [Substring], _ range: Range<Int>) -> [Range<Int>] {
            var lines: [Range<Int>] = [], start = range.lowerBound
            for index in range where WordTokens.isSpace(tokens[index]) && tokens[index].contains(where: \.isNewline) {
                lines.append(start..<index + 1)
                start = index + 1
            }
            if start < range.upperBound { lines.append(start..<range.upperBound) }
            return lines
        }

        /// An empty run where line `index` starts (or at the end of `range`).
        static func empty(at lines: [Range<Int>], _ index: Int, _ range: Range<Int>) -> Range<Int> {
            let at = index < lines.count ? lines[index].lowerBound : range.upperBound
            return at..<at
        }
    }
}
