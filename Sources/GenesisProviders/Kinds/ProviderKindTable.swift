import GenesisEngine

/// The provider kinds this build speaks, one entry a kind: the engine's descriptor
/// (``ProviderKind``), how to make the kind's adapter, how to decode its transcripts, and how to
/// recognise its local server. The adapter factory (``ProviderAdapters/factory``),
/// ``TranscriptDecoder``, ``ProviderDiscovery`` and the CLI's configuration look a kind up here
/// instead of switching over kinds; the engine gets the descriptors as a value
/// (``configurableKinds``, which the configuration is read against and keeps as
/// ``GenesisConfiguration/kinds`` for key redaction, image checks and model-name inference). A
/// shipped wire format is its format file, which holds its descriptor, and one entry in ``standard``.
///
/// A value, not a global to register into: a test adds a kind with ``registering(_:)`` and hands
/// the table to what it exercises. Entries are made in this module (``Entry/wire(_:localProbe:baseURL:format:)``,
/// ``Entry/openAIChat(_:dialect:usesCatalog:localProbe:)``), where the wire formats are.
public struct ProviderKindTable: Sendable {
    /// One kind: what the engine knows of it, and what only the adapters know.
    public struct Entry: Sendable {
        public var kind: ProviderKind
        /// Makes a provider of this kind from its configuration.
        public var make: ProviderFactory.Make
        /// Transcript formats by name: the kind's wire format under the kind's name, and any
        /// second API it speaks (`openai-responses`).
        var transcripts: [(name: String, decoder: @Sendable () -> any EventDecoding)]
        /// How to tell that the kind's server answers at its default base URL; nil for kinds not probed.
        public var localProbe: LocalProbe?

        /// The names ``TranscriptDecoder`` takes for this kind's bodies.
        public var transcriptFormats: [TranscriptDecoder.Format] { transcripts.map { TranscriptDecoder.Format(rawValue: $0.name) } }
    }

    /// A local server's health check: a GET of `path` under the kind's default base URL, and
    /// whether its JSON answer is that server's.
    public struct LocalProbe: Sendable {
        public var path: String
        public var recognises: @Sendable (JSONValue?) -> Bool

        public init(path: String, recognises: @escaping @Sendable (JSONValue?) -> Bool) {
            self.path = path
            self.recognises = recognises
        }
    }

    /// In registration order.
    public private(set) var entries: [Entry]

    init(_ entries: [Entry]) {
        self.entries = entries
    }

    /// This table with `entry` added, or in place of the entry of the same kind name.
    public func registering(_ entry: Entry) -> ProviderKindTable {
        var copy = self
        if let index = copy.entries.firstIndex(where: { $0.kind.name == entry.kind.name }) {
            copy.entries[index] = entry
        } else {
            copy.entries.append(entry)
        }
        return copy
    }

    /// The registered kinds, in registration order.
    public var kinds: [ProviderKind] { entries.map(\.kind) }

    /// What a configuration's `kind =` may name: the simulator and the registered kinds
    /// (``ConfigLoader/load(path:environment:kinds:)``).
    public var configurableKinds: [ProviderKind] { [.sim] + kinds }

    /// The simulator (the engine's own) and every registered kind's adapter.
    public var factory: ProviderFactory {
        entries.reduce(ProviderFactory.builtIn) { factory, entry in factory.registering(kind: entry.kind, entry.make) }
    }

    /// Every transcript format of every registered kind.
    public var transcriptFormats: [TranscriptDecoder.Format] { entries.flatMap(\.transcriptFormats) }

    /// The decoder of the transcript format of this name, if a registered kind has it.
    func transcriptDecoder(named name: String) -> (any EventDecoding)? {
        for entry in entries {
            if let transcript = entry.transcripts.first(where: { $0.name == name }) { return transcript.decoder() }
        }
        return nil
    }
}

extension ProviderKindTable.Entry {
    /// Makes a kind's wire format from the provider's name, its base URL and the catalog of what
    /// its models cost and take.
    typealias MakeFormat<Format: ChatWireFormat> = @Sendable (_ name: String, _ baseURL: String, _ catalog: PriceMemo) -> Format

    /// A kind whose adapter is one wire format over HTTP. Its base URL is the configuration's, the
    /// environment's, then the kind's default, unless `baseURL` says otherwise. Its transcripts
    /// decode under the kind's name, as a provider named after the kind at its default base URL.
    static func wire<Format: ChatWireFormat>(
        _ kind: ProviderKind, localProbe: ProviderKindTable.LocalProbe? = nil,
        baseURL: (@Sendable (_ configuration: ProviderConfiguration, _ environment: [String: String]) -> String)? = nil,
        format: @escaping MakeFormat<Format>
    ) -> Self {
        let resolve = baseURL ?? { configuration, environment in kind.baseURL(configured: configuration.baseURL, environment: environment) ?? "" }
        let transcript: @Sendable () -> any EventDecoding = {
            StreamDecoder(format(kind.name, kind.defaultBaseURL ?? "", .standard), model: "transcript")
        }
        return Self(kind: kind, make: { name, configuration, context in
                        ProviderAdapters.make(name, configuration, context,
                                              format(name, resolve(configuration, context.environment), context.catalog))
                    },
                    transcripts: [(kind.name, transcript)], localProbe: localProbe)
    }

    /// A kind that speaks Chat Completions in `dialect` and, where the kind says so
    /// (``ProviderKind/speaksOpenAIAPIs``), the Responses API beside it: one provider with both
    /// (``ProviderAdapters/openAI(_:api:modelAPIs:storesResponses:)``), and transcripts under the
    /// kind's name and `NAME-responses`.
    static func openAIChat(_ kind: ProviderKind, dialect: OpenAIChatFormat.Dialect, usesCatalog: Bool = true,
                           localProbe: ProviderKindTable.LocalProbe? = nil) -> Self {
        let format: MakeFormat<OpenAIChatFormat> = { name, baseURL, catalog in
            OpenAIChatFormat(provider: name, dialect: dialect, baseURL: baseURL, catalog: usesCatalog ? catalog : .standard)
        }
        var entry = wire(kind, localProbe: localProbe, format: format)
        guard kind.speaksOpenAIAPIs else { return entry }
        entry.make = { name, configuration, context in
            let baseURL = kind.baseURL(configured: configuration.baseURL, environment: context.environment) ?? ""
            return ProviderAdapters.openAI(name, configuration, context, format(name, baseURL, context.catalog))
        }
        let responses: @Sendable () -> any EventDecoding = {
            StreamDecoder(OpenAIResponsesFormat(chat: format(kind.name, kind.defaultBaseURL ?? "", .standard)), model: "transcript")
        }
        entry.transcripts.append((kind.name + "-responses", responses))
        return entry
    }
}
