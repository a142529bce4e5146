// libFuzzer harness: the JSON parser never crashes, and what it accepts survives a round trip
// through the encoder.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = JSONParser.parse(bytes) else { return 0 }
    let again = Array(value.encoded()).withUnsafeBufferPointer { JSONParser.parse($0) }
    if again != value, "\(value)".contains("nan") == false { fatalError("round trip changed \(value)") }
    return 0
}
