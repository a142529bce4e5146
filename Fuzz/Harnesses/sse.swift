// libFuzzer harness: the SSE parser never crashes, and how a body is split into reads changes
// nothing (the events of one read equal those of two reads split at a point the input picks).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = ServerSentEventParser(maxEventBytes: 1 << 16)
    var split = ServerSentEventParser(maxEventBytes: 1 << 16)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let a = try? whole.feed(bytes)
    var b: [ServerSentEvent]? = nil
    if let first = try? split.feed(bytes[..<cut]), let second = try? split.feed(bytes[cut...]) { b = first + second }
    if let a, let b, a != b { fatalError("split reads gave other events") }
    return 0
}
