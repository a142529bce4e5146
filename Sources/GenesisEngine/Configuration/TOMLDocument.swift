import CAssertGuard
import TOMLKit

/// TOMLKit's parser, made safe for text a person typed: the rare malformed text on which its
/// toml++ parser fails an internal assertion (left on in release builds) becomes an error here,
/// where it used to abort the whole process. ``TOMLPrecheck`` catches the known cases first,
/// with their line; this guard is the net under whatever else the fuzzer has not found yet.
public enum TOMLDocument {
    /// The parser gave up on the text without saying where: its failed assertion.
    public struct ParserAssertion: Error, CustomStringConvertible {
        public var detail: String
        public var description: String { "the TOML parser rejected this text without naming a line (\(detail))" }
    }

    /// Parses `text`; throws TOMLKit's `TOMLParseError` (with a line) or ``ParserAssertion``.
    public static func table(_ text: String) throws -> TOMLTable {
        let job = Job(text: text)
        var message = [CChar](repeating: 0, count: 512)
        let finished = message.withUnsafeMutableBufferPointer { buffer in
            genesis_run_catching_assertions({ context in
                // Nothing here may hold an access or a lock: on a failed assertion these frames are left by longjmp.
                guard let context else { return }
                let job = Unmanaged<Job>.fromOpaque(context).takeUnretainedValue()
                let result = Result { try TOMLTable(string: job.text) }
                job.result = result
            }, Unmanaged.passUnretained(job).toOpaque(), buffer.baseAddress, buffer.count)
        }
        withExtendedLifetime(job) {}
        guard finished == 1, let result = job.result else {
            let detail = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } // the buffer is NUL-filled, so terminated
            throw ParserAssertion(detail: detail.isEmpty ? "no detail" : detail)
        }
        return try result.get()
    }

    private final class Job: @unchecked Sendable { // used on one thread, inside one call
        let text: String
        var result: Result<TOMLTable, any Error>?
        init(text: String) { self.text = text }
    }
}
