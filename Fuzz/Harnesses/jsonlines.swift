// libFuzzer harness: the JSON-lines parser never crashes and is split-invariant.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = JSONLinesParser(maxLineBytes: 1 << 16)
    var split = JSONLinesParser(maxLineBytes: 1 << 16)
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let a = try? whole.feed(bytes)
    var b: [[UInt8]]? = nil
    if let first = try? split.feed(bytes[..<cut]), let second = try? split.feed(bytes[cut...]) { b = first + second }
    if let a, let b, a != b { fatalError("split reads gave other lines") }
    return 0
}
