import Foundation
import GenesisEngine
import Testing

@Suite("DecimalText: fixed-point text without Foundation's formatter")
struct DecimalTextTests {
    @Test("examples", arguments: [
        (0.0, 0, "0"), (0.0, 2, "0.00"), (2.345, 1, "2.3"), (2.35, 1, "2.4"), (-1.25, 1, "-1.3"), (-0.04, 1, "0.0"),
        (0.000123, 6, "0.000123"), (1.23456, 4, "1.2346"), (999.96, 1, "1000.0"), (12.5, 0, "13"), (0.5, 0, "1"),
    ])
    func examples(value: Double, places: Int, text: String) {
        #expect(DecimalText.fixed(value, places: places) == text)
    }

    @Test("agrees with printf except within a hair of a tie, which it may round the other way")
    func agreesWithPrintf() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double.random(in: -1e6...1e6, using: &generator) / [1, 10, 1000, 1e6].randomElement(using: &generator)!
            for places in [0, 1, 4, 6] {
                let scaled = abs(value) * pow(10, Double(places))
                guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { continue } // printf rounds the exact binary value
                var printf = String(format: "%.\(places)f", value)
                if printf.hasPrefix("-"), Double(printf) == 0 { printf.removeFirst() } // no "-0.0"
                #expect(DecimalText.fixed(value, places: places) == printf, "\(value) at \(places) places")
            }
        }
        #expect(DecimalText.fixed(.infinity, places: 1) == "inf" && DecimalText.fixed(1e300, places: 2).hasPrefix("1000"))
    }

    @Test("costs keep their format")
    func costs() {
        #expect(Cost.format(0) == "$0" && Cost.format(0.000123) == "$0.000123" && Cost.format(1.23456) == "$1.2346" && Cost.format(0.75) == "$0.7500")
    }
}
