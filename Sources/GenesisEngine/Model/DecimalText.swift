import Foundation

/// Numbers as fixed-point text without Foundation's formatter, which costs microseconds a call
/// on Linux: the console draws costs and rates thirty times a second.
public enum DecimalText {
    /// `value` with `places` decimals, rounded half away from zero: `fixed(2.345, places: 1)` is "2.3".
    public static func fixed(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<max(0, places) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard value.isFinite, scaled < 9e18 else { return String(format: "%.\(max(0, places))f", value) }
        let units = Int(scaled)
        var digits = String(units)
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return value < 0 && units != 0 ? "-" + digits : digits
    }
}
