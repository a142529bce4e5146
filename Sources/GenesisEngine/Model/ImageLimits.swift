/// How large the images of one request may be for a kind of provider, so that an image too
/// large is refused before it is encoded and sent, with the limit named, rather than sent as a
/// body the provider rejects. Sizes are of the image files; base64 makes the request a third
/// larger. A megabyte here is 1,048,576 bytes, as in the providers' own error messages.
public struct ImageLimits: Sendable, Hashable {
    /// Bytes one image may have.
    public var perImage: Int
    /// Bytes all images of one request may have together; nil: no limit of their own.
    public var perRequest: Int?
    /// Where the numbers come from, for the error message.
    public var source: String

    public init(perImage: Int, perRequest: Int? = nil, source: String) {
        self.perImage = perImage
        self.perRequest = perRequest
        self.source = source
    }

    public static let megabyte = 1_048_576

    /// The most any provider takes in one image; files larger are not even read.
    public static let largestImage = 20 * megabyte

    /// What Genesis sends to a kind that documents no limits of its own.
    public static let unstated = ImageLimits(perImage: largestImage, source: "Genesis sends at most 20 MB an image")

    /// What is wrong with the images of `messages` for these limits, or nil.
    public func problem(in messages: [ChatMessage]) -> (message: String, hint: String)? {
        var total = 0, index = 0
        for message in messages {
            for case .image(.data(let data, _)) in message.parts {
                index += 1
                total += data.count
                if data.count > perImage {
                    return ("image \(index) is \(Self.describe(data.count)); the limit is \(Self.describe(perImage)) (\(source))",
                            "make the image smaller (fewer pixels, or JPEG instead of PNG), or ask a model of a provider that takes larger images")
                }
            }
        }
        if let perRequest, total > perRequest {
            return ("the request's \(index) images are \(Self.describe(total)) together; the limit is \(Self.describe(perRequest)) (\(source))",
                    "send fewer or smaller images")
        }
        return nil
    }

    /// `6.1 MB (6400000 bytes)`.
    static func describe(_ bytes: Int) -> String {
        "\(DecimalText.fixed(Double(bytes) / Double(megabyte), places: 1)) MB (\(bytes) bytes)"
    }
}
