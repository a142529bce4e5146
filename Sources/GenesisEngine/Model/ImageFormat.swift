import Foundation

/// The image formats every provider takes, recognised by their first bytes (a file's name can
/// say anything: a text file named `.png` is not a PNG).
public enum ImageFormat: String, Sendable, Hashable, CaseIterable {
    case png, jpeg, gif, webp

    /// The format of `data`, from its signature: PNG's eight bytes, JPEG's `FF D8 FF`,
    /// `GIF87a`/`GIF89a`, and WebP's `RIFF` container holding `WEBP`.
    public init?(sniffing data: Data) {
        let head = [UInt8](data.prefix(12))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { self = .gif }
        else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { self = .webp }
        else { return nil }
    }

    /// The format a file name's extension claims, if it names one.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "gif": self = .gif
        case "webp": self = .webp
        default: return nil
        }
    }

    public var mediaType: String { "image/\(rawValue)" }
    /// As people write it: PNG, JPEG, GIF, WebP.
    public var name: String { self == .webp ? "WebP" : rawValue.uppercased() }
}
