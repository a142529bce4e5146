import Foundation

/// Who said a message in a conversation.
public enum ChatRole: String, Sendable, Codable, Hashable {
    case system, user, assistant
}

/// An image given to a multimodal model: its bytes and media type, or a URL the provider fetches.
public enum ImageSource: Sendable, Hashable, Codable {
    case data(Data, mediaType: String)
    case url(String)

    /// Reads an image file, taking the media type from its content (``ImageFormat``). Refused:
    /// a file larger than `maxBytes` (before it is read; at most that much is ever read, so a
    /// device or a pipe cannot fill memory), content that is not PNG, JPEG, GIF or WebP, and a
    /// name whose extension claims another of them (`photo.png` holding a JPEG).
    public static func file(_ path: String, maxBytes: Int = ImageLimits.largestImage) throws(InvalidRequestError) -> ImageSource {
        func tooLarge(_ size: Int?) -> InvalidRequestError {
            InvalidRequestError(message: "image \(path) is \(size.map(ImageLimits.describe) ?? "over the limit"), and no provider takes more than \(ImageLimits.describe(maxBytes)) an image",
                                hint: "make it smaller (fewer pixels, or JPEG instead of PNG)")
        }
        let url = URL(fileURLWithPath: path)
        if let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue, size > maxBytes {
            throw tooLarge(size)
        }
        guard let handle = try? FileHandle(forReadingFrom: url), let data = try? handle.read(upToCount: maxBytes + 1) ?? Data() else {
            throw InvalidRequestError(message: "cannot read image file \(path)", hint: "check the path and its permissions")
        }
        try? handle.close()
        guard data.count <= maxBytes else { throw tooLarge(nil) } // not a regular file, or it grew
        guard let format = ImageFormat(sniffing: data) else {
            let start = data.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw InvalidRequestError(message: "\(path) is not a PNG, JPEG, GIF or WebP image (\(data.isEmpty ? "it is empty" : "it starts with the bytes \(start)"))",
                                      hint: "attach an image in one of those formats")
        }
        if let claimed = ImageFormat(fileExtension: url.pathExtension), claimed != format {
            throw InvalidRequestError(message: "\(path) is named .\(url.pathExtension) but holds a \(format.name) image",
                                      hint: "rename it to end in .\(format == .jpeg ? "jpg" : format.rawValue), or attach the \(claimed.name) file meant")
        }
        return .data(data, mediaType: format.mediaType)
    }
}

/// One part of a message's content.
public enum ContentPart: Sendable, Hashable, Codable {
    case text(String)
    case image(ImageSource)
}

/// A chat message: a role and its content parts (text and images).
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: ChatRole
    public var parts: [ContentPart]

    public init(role: ChatRole, parts: [ContentPart]) {
        self.role = role
        self.parts = parts
    }

    public init(role: ChatRole, text: String) {
        self.init(role: role, parts: [.text(text)])
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, text: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, text: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, text: text) }

    /// The message's text parts joined, images left out.
    public var text: String {
        parts.compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }
}
