import Foundation
import Testing

/// A short libFuzzer run of every harness when GENESIS_FUZZ_SECONDS is set (locally it is off).
/// CI builds the harnesses before the other tests and runs this suite after them, on its own.
/// Longer runs: `Fuzz/run.sh 600`.
@Suite("Fuzzing")
struct FuzzSmokeTests {
    static let seconds = ProcessInfo.processInfo.environment["GENESIS_FUZZ_SECONDS"].flatMap(Int.init)

    @Test(.enabled(if: seconds != nil, "set GENESIS_FUZZ_SECONDS to run the fuzzers"))
    func everyHarnessRunsClean() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let output: (status: Int32, text: String) = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                // At the lowest priority, so building and fuzzing do not slow the other tests' timing.
                process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
                process.arguments = ["-n", "19", "/bin/bash", root.appendingPathComponent("Fuzz/run.sh").path, "\(Self.seconds ?? 5)"]
                process.currentDirectoryURL = root
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                do {
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        #expect(output.status == 0, "\(output.text)")
        // One final report per harness: sse, jsonlines, json, keys and config.
        #expect(output.text.components(separatedBy: "stat::number_of_executed_units").count == 6, "\(output.text)")
        #expect(!output.text.contains("ERROR") && !output.text.contains("SUMMARY"), "\(output.text)")
    }
}
