// libFuzzer harness: the console's key decoder never crashes on any input, bytes or curses codes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var decoder = KeyDecoder(codes: [258: .down, 259: .up, 260: .left, 261: .right, 410: .resize])
    var inputs: [RawInput] = []
    var i = 0
    while i < size {
        let byte = data[i]
        if byte == 0xFF, i + 2 < size { inputs.append(.code(Int32(data[i + 1]) << 8 | Int32(data[i + 2]))); i += 3; continue }
        inputs.append(.character(UInt32(byte)))
        i += 1
    }
    _ = decoder.decode(inputs)
    return 0
}
