import Foundation
import Synchronization

/// Ids for requests, the ledger's `request_id`: UUID-shaped (version 4 bits set), made from a
/// random 64-bit prefix drawn once per process and a counter. Unique within a process, and
/// across processes unless two draw the same prefix (1 in 2^64); no system call each, where
/// Foundation's `UUID()` reads the kernel's random source every time.
enum RequestID {
    private static let prefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    static func next() -> UUID {
        let count = counter.add(1, ordering: .relaxed).newValue
        var high = prefix, low = count
        high = (high & ~0xF000) | 0x4000 // version 4 in the time_hi_and_version field
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48) // RFC 4122 variant in clock_seq_hi
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { raw in
            UUID(uuid: raw.load(as: uuid_t.self))
        }
    }
}
