/// A model as `provider:model`, e.g. `openai:gpt-4o` or `sim:balanced`.
///
/// The model part may itself contain colons (`ollama:llama3:70b`, `mistral:ft:open-mistral-7b:abc`):
/// only the first colon separates the provider. A bare model name (`gpt-4`) has its provider
/// inferred from the naming conventions of the kinds given; see ``ModelID/inferProvider(forModel:kinds:)``.
public struct ModelID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Parses `provider:model`, or a bare model whose provider can be inferred: a simulated
    /// model's, or one of `kinds` (``GenesisConfiguration/kinds``). Returns nil for empty parts or
    /// a bare model of unknown provider.
    public init?(parsing text: String, kinds: [ProviderKind] = []) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let colon = trimmed.firstIndex(of: ":") {
            let provider = String(trimmed[..<colon]), model = String(trimmed[trimmed.index(after: colon)...])
            // `ft:base:suffix` is a Mistral/OpenAI fine-tune id, not a provider called "ft".
            if provider == "ft", let inferred = Self.inferProvider(forModel: trimmed, kinds: kinds) {
                self.init(provider: inferred, model: trimmed)
                return
            }
            guard !provider.isEmpty, !model.isEmpty else { return nil }
            self.init(provider: provider.lowercased(), model: model)
        } else {
            guard !trimmed.isEmpty, let provider = Self.inferProvider(forModel: trimmed, kinds: kinds) else { return nil }
            self.init(provider: provider, model: trimmed)
        }
    }

    /// String literals in code are trusted: an unparseable literal (a bare name of no simulated
    /// model) keeps the text as the model of an empty provider, which every lookup then reports
    /// as unknown.
    public init(stringLiteral value: String) {
        self = ModelID(parsing: value) ?? ModelID(provider: "", model: value)
    }

    public var description: String { "\(provider):\(model)" }

    /// The provider a bare model name belongs to: `sim` for a simulated model, else the kind of
    /// `kinds` whose naming conventions it follows (``ProviderKind/modelPrefixes``).
    public static func inferProvider(forModel model: String, kinds: [ProviderKind]) -> String? {
        let name = model.lowercased()
        if SimulatedCatalog.models.contains(where: { $0.id == name }) { return "sim" }
        return kinds.owner(ofModel: name)?.name
    }
}

import Foundation
