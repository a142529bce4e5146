/// A stable key for a request: the same provider, model, messages and parameters give the same
/// key in every process and on every machine (unlike `Hasher`, which is seeded per process).
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    /// The canonical text the digest was computed from; compared on lookup so a digest collision
    /// can never serve the wrong answer.
    public let canonical: String
    /// 128-bit FNV-1a digest of `canonical`, as 32 hex digits.
    public let digest: String

    public init(_ request: GenerationRequest) {
        var text = "v1\u{1F}\(request.model.provider)\u{1F}\(request.model.model)"
        for message in request.messages {
            text += "\u{1E}\(message.role.rawValue)"
            for part in message.parts {
                switch part {
                case .text(let t): text += "\u{1D}t\(t.utf8.count):\(t)"
                case .image(.url(let url)): text += "\u{1D}u\(url)"
                case .image(.data(let data, let type)): text += "\u{1D}i\(type):\(data.count):\(Self.fnv(Array(data)))"
                }
            }
        }
        let p = request.parameters
        text += "\u{1C}max=\(p.maxTokens.map(String.init) ?? "-")"
        text += ";temp=\(p.temperature.map { "\($0)" } ?? "-");top_p=\(p.topP.map { "\($0)" } ?? "-")"
        text += ";seed=\(p.seed.map(String.init) ?? "-");stop=\(p.stopSequences.map { "\($0.utf8.count):\($0)" }.joined(separator: ","))"
        self.init(canonical: text)
    }

    public init(canonical: String) {
        self.canonical = canonical
        digest = Self.fnv(Array(canonical.utf8))
    }

    public var description: String { digest }

    /// FNV-1a with a 128-bit state (the published prime and offset basis).
    static func fnv(_ bytes: [UInt8]) -> String {
        var high: UInt64 = 0x6c62_272e_07bb_0142, low: UInt64 = 0x62b8_2175_6295_c58d
        // prime = 2^88 + 2^8 + 0x3b
        for byte in bytes {
            low ^= UInt64(byte)
            // (high, low) * prime mod 2^128
            let (lowTimesSmall) = low.multipliedFullWidth(by: 0x13b)
            let newHigh = high &* 0x13b &+ lowTimesSmall.high &+ (low << 24)
            high = newHigh
            low = lowTimesSmall.low
        }
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
