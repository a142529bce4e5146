import Foundation
import GenesisEngine

/// An image going with the next prompt (`/image FILE`, or a path typed or pasted as the whole
/// prompt), read and checked as `ask --image` reads it (``ImageSource/file(_:maxBytes:)``).
public struct ImageAttachment: Equatable, Sendable {
    /// The file's name, as the prompt line and the pane show it (cleaned for the screen).
    public var name: String
    public var source: ImageSource

    public init(name: String, source: ImageSource) {
        self.name = name
        self.source = source
    }

    static let extensions: Set<String> = ["png", "jpg", "jpeg", "gif", "webp"]

    /// The path `line` is when it is one and only one image file's path (`/tmp/cat.png`,
    /// `~/a.jpg`, `./b.webp`, quoted as a terminal pastes a dropped file), else nil. Whether the
    /// file is there is for the runner to find out.
    public static func path(in line: String) -> String? {
        var path = line.trimmingCharacters(in: .whitespaces)
        if path.count > 1, let first = path.first, first == "'" || first == "\"", path.last == first { path = String(path.dropFirst().dropLast()) }
        guard !path.contains("\n"), ["/", "~/", "./", "../"].contains(where: path.hasPrefix),
              extensions.contains((path as NSString).pathExtension.lowercased()) else { return nil }
        return path
    }
}
