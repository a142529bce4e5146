import Foundation
@testable import GenesisConsole
import GenesisEngine
import Testing

@Suite("/image: a picture with the next prompt")
struct ImageAttachmentTests {
    static let png = ImageSource.data(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]), mediaType: "image/png")

    @Test(arguments: [
        ("/image ~/Pictures/cat.png", "~/Pictures/cat.png"), ("/tmp/cat.PNG", "/tmp/cat.PNG"), ("'/tmp/my cat.jpg'", "/tmp/my cat.jpg"),
        ("./a.webp", "./a.webp"),
    ])
    func aPathAsTheWholePromptOrAfterImageIsAttached(line: String, path: String) {
        var state = ConsoleState(models: ["sim:fast"])
        #expect(state.submit(line) == [.attachImage(path: path)])
    }

    @Test(arguments: ["what is in /tmp/cat.png?", "/tmp/notes.txt", "cat.png"])
    func otherPromptsStayPrompts(line: String) {
        var state = ConsoleState(models: ["sim:fast"])
        #expect(state.submit(line).allSatisfy { if case .attachImage = $0 { false } else { true } })
    }

    @Test func theAttachmentShowsOnThePromptLineAndGoesWithTheNextPromptOnly() throws {
        var state = ConsoleState(models: ["sim:fast", "sim:vision"])
        _ = state.update(.imageAttached(ImageAttachment(name: "cat.png", source: Self.png)))
        #expect(state.notice == "cat.png goes with the next prompt; /image clear drops it")
        let screen = ConsoleRenderer.render(state, width: 80, height: 14).lines
        #expect(screen[11].contains(" image: cat.png "), "\(screen[11])")
        #expect(state.submit("What is this?") == [.send(prompt: "What is this?", panes: [0, 1])])
        #expect(state.attachments.isEmpty)
        for pane in state.panes {
            #expect(pane.turns == [ChatMessage(role: .user, parts: [.text("What is this?"), .image(Self.png)])])
            #expect(pane.text.contains("› What is this?\n  [image: cat.png]"))
        }
        var round = Round(["sim:fast"])
        round.answer(0, "A cat.")
        #expect(round.state.panes[0].turns.first == .user("Name a colour"), "no image, no image part")
    }

    @Test func anUnreadableOrMisnamedImageIsSaidSoAndNotAttached() async throws {
        let (runner, reports) = CommandRunnerTests.runner(storage: nil)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("console-image-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("not an image".utf8).write(to: directory.appendingPathComponent("fake.png"))
        if case .data(let bytes, _) = Self.png { try bytes.write(to: directory.appendingPathComponent("real.png")) }
        var iterator = reports.makeAsyncIterator()
        let state = ConsoleState(models: ["sim:fast"])
        runner.run(.attachImage(path: directory.appendingPathComponent("missing.png").path), in: state)
        guard case .notice(let missing)? = await iterator.next()?.message else { Issue.record("no notice"); return }
        #expect(missing.contains("cannot read image file"))
        runner.run(.attachImage(path: directory.appendingPathComponent("fake.png").path), in: state)
        guard case .notice(let fake)? = await iterator.next()?.message else { Issue.record("no notice"); return }
        #expect(fake.contains("is not a PNG, JPEG, GIF or WebP image"))
        runner.run(.attachImage(path: directory.appendingPathComponent("real.png").path), in: state)
        guard case .imageAttached(let image)? = await iterator.next()?.message else { Issue.record("not attached"); return }
        #expect(image == ImageAttachment(name: "real.png", source: Self.png))
    }
}
