import ArgumentParser
import Foundation
import GenesisEngine
import GenesisStore

/// `genesis history`: the recorded conversations; `genesis history show ID`: one of them.
struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List recorded conversations (console sessions, asks and compares), newest first.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List conversations, newest first.")

        @Option(name: .long, help: "How many to list.")
        var limit = 50

        @Flag(name: .long, help: "Print {\"conversations\": [{\"id\", \"title\", \"source\", \"created_at\", \"updated_at\", \"messages\", \"models\"}]}.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be from 1 to 100000, got \(limit)") }
        }

        func run() async throws {
            let storage = try global.requireStorage()
            let conversations = try await storage.conversations(limit: limit)
            if json {
                try Terminal.out(AnswerJSON.render(["conversations": .array(conversations.map { .object(ConversationFormat.summary($0)) })]) + "\n")
                return
            }
            if conversations.isEmpty { try Terminal.out("No conversations yet. Ask something: genesis ask \"Hello\"\n"); return }
            for c in conversations {
                let date = Conversation.listingDate(c.updatedAt)
                try Terminal.out("\(c.id.prefix(8))  \(date)  \(c.source.padding(toLength: 7, withPad: " ", startingAt: 0))  \(c.title)  [\(c.models.joined(separator: ", "))]\n")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one conversation (Markdown, or JSON with --json).")

        @Argument(help: "The conversation's id, or the start of it (at least 4 characters).")
        var id: String

        @Flag(name: .long, help: "Print it as JSON (the same as `genesis export ID --format json`).")
        var json = false

        @Flag(name: .long, help: "Print stored answers exactly as the models gave them, escape sequences included.")
        var raw = false

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let storage = try global.requireStorage()
            let conversation = try await storage.conversation(id)
            let messages = try await storage.messages(in: conversation.id)
            let branches = try await storage.branchPoints(in: conversation.id)
            var page = AnswerWriter(raw: raw)
            try page.write(json ? AnswerJSON.render(ConversationFormat.json(conversation, messages, branches: branches)) + "\n"
                                : ConversationFormat.markdown(conversation, messages, branches: branches))
        }
    }
}

/// `genesis export ID --format md|json`
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a recorded conversation as Markdown or JSON.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case md, json }

    @Argument(help: "The conversation's id, or the start of it (see `genesis history`).")
    var id: String

    @Option(name: .long, help: "md or json.")
    var format: Format = .md

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Keep escape sequences that models wrote (by default an export holds none, in a file too).")
    var raw = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let storage = try global.requireStorage()
        let conversation = try await storage.conversation(id)
        let messages = try await storage.messages(in: conversation.id)
        let branches = try await storage.branchPoints(in: conversation.id)
        let text = format == .json ? AnswerJSON.render(ConversationFormat.json(conversation, messages, branches: branches)) + "\n"
                                   : ConversationFormat.markdown(conversation, messages, branches: branches)
        guard let output else {
            var page = AnswerWriter(raw: raw)
            try page.write(text)
            return
        }
        do {
            try (raw ? text : Sanitizer.clean(text, .escapesOnly)).write(toFile: (output as NSString).expandingTildeInPath, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
    }
}

extension GlobalOptions {
    /// The database, for commands that only read it.
    func requireStorage() throws -> Storage {
        let configuration = try loadConfiguration()
        guard !noHistory else { throw ValidationError("--no-history turns storage off; this command reads it") }
        return try database(configuration)
    }
}
