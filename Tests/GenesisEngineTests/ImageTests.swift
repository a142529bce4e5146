import Foundation
import GenesisEngine
import GenesisProviders
import Testing

@Suite("Image files: checked by their bytes and their size")
struct ImageTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) + Data("JFIF".utf8)
    static let gif = Data("GIF89a".utf8) + Data([1, 0, 1, 0])
    static let webp = Data("RIFF".utf8) + Data([36, 0, 0, 0]) + Data("WEBPVP8 ".utf8)

    func file(_ name: String, _ data: Data) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("the media type comes from the content, whatever the name", arguments: [
        ("a.png", png, "image/png"), ("b.jpeg", jpeg, "image/jpeg"), ("c.JPG", jpeg, "image/jpeg"), ("d.gif", gif, "image/gif"),
        ("e.webp", webp, "image/webp"), ("screenshot", png, "image/png"), ("photo.image", jpeg, "image/jpeg"),
    ])
    func mediaTypeFromContent(name: String, data: Data, mediaType: String) throws {
        #expect(try ImageSource.file(file(name, data)) == .data(data, mediaType: mediaType))
    }

    @Test("a file that is not an image is refused, whatever its name says")
    func notAnImage() throws {
        let path = try file("notes.png", Data("hello, world\n".utf8))
        let error = #expect(throws: InvalidRequestError.self) { _ = try ImageSource.file(path) }
        #expect(error?.description.contains("\(path) is not a PNG, JPEG, GIF or WebP image (it starts with the bytes 68 65 6C 6C 6F 2C 20 77)") == true,
                "\(String(describing: error))")
        let empty = #expect(throws: InvalidRequestError.self) { _ = try ImageSource.file(try file("empty.gif", Data())) }
        #expect(empty?.description.contains("it is empty") == true)
    }

    @Test("a name claiming another image format is refused, with the name it should have")
    func mismatchedExtension() throws {
        let path = try file("photo.png", Self.jpeg)
        let error = #expect(throws: InvalidRequestError.self) { _ = try ImageSource.file(path) }
        #expect(error?.description.contains("photo.png is named .png but holds a JPEG image") == true && error?.description.contains("end in .jpg") == true,
                "\(String(describing: error))")
    }

    @Test("a file over the limit is refused with its size and the limit, before it is read; a device is read no further than the limit")
    func tooLarge() throws {
        let path = try file("big.png", Self.png + Data(count: 2_000))
        let error = #expect(throws: InvalidRequestError.self) { _ = try ImageSource.file(path, maxBytes: 1_024) }
        #expect(error?.description.contains("big.png is 0.0 MB (2012 bytes), and no provider takes more than 0.0 MB (1024 bytes) an image") == true,
                "\(String(describing: error))")
        let device = #expect(throws: InvalidRequestError.self) { _ = try ImageSource.file("/dev/zero", maxBytes: 1_024) }
        #expect(device?.description.contains("is over the limit") == true, "\(String(describing: device))")
        #expect(ImageLimits.largestImage == 20 * 1_048_576)
    }

    @Test("each provider's limits: a 4 MB image is too large for Anthropic, not for OpenAI; 60 MB of images are too many for OpenAI")
    func providerLimits() {
        let four = ChatMessage(role: .user, parts: [.text("what is it?"), .image(.data(Data(count: 4 * 1_048_576), mediaType: "image/png"))])
        let anthropic = ProviderKind.anthropic.imageLimits.problem(in: [four])
        #expect(anthropic?.message == "image 1 is 4.0 MB (4194304 bytes); the limit is 3.8 MB (3932160 bytes) (Anthropic takes 5 MB an image once base64-encoded and 32 MB a request)")
        #expect(ProviderKind.openAI.imageLimits.problem(in: [four]) == nil)
        let many = ChatMessage(role: .user, parts: Array(repeating: .image(.data(Data(count: 15 * 1_048_576), mediaType: "image/png")), count: 4))
        #expect(ProviderKind.openAI.imageLimits.problem(in: [many])?.message.hasPrefix("the request's 4 images are 60.0 MB") == true)
        #expect(ProviderKind.openAICompatible.imageLimits.perImage == 20 * 1_048_576)
    }

    @Test("the engine refuses a request whose image is over its provider's limit before sending it (exit 8)")
    func engineRefusesLargeImages() async throws {
        var configuration = GenesisConfiguration()
        configuration.kinds = .shipped
        configuration.providers["claude"] = ProviderConfiguration(kind: "anthropic")
        let registry = ModelRegistry(configuration: configuration)
        let request = GenerationRequest(model: ModelID(provider: "claude", model: "claude-sonnet-4-5"), messages: [
            ChatMessage(role: .user, parts: [.text("what is it?"), .image(.data(Data(count: 4 * 1_048_576), mediaType: "image/png"))]),
        ])
        let error = await #expect(throws: InvalidRequestError.self) { _ = try await registry.generate(request) }
        #expect(error?.category.exitCode == 8 && error?.description.contains("the limit is 3.8 MB") == true, "\(String(describing: error))")
    }
}
