import Foundation

/// Who said a message in a conversation.
public enum ChatRole: String, Sendable, Codable, Hashable {
    case system, user, assistant
}

/// An image given to a multimodal model: its bytes and media type, or a URL the provider fetches.
public enum ImageSource: Sendable, Hashable, Codable {
    case data(Data, mediaType: String)
    case url(String)

    /// Reads an image file, taking the media type from its extension.
    public static func file(_ path: String) throws(InvalidRequestError) -> ImageSource {
        let url = URL(fileURLWithPath: path)
        guard let data = try? Data(contentsOf: url) else {
            throw InvalidRequestError(message: "cannot read image file \(path)", hint: "check the path and its permissions")
        }
        let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"]
        guard let type = types[url.pathExtension.lowercased()] else {
            throw InvalidRequestError(message: "image \(path) has an unsupported type", hint: "use PNG, JPEG, GIF or WebP")
        }
        return .data(data, mediaType: type)
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
