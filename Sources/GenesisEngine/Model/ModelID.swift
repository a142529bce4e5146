/// A model as `provider:model`, e.g. `openai:gpt-4o` or `sim:balanced`.
///
/// The model part may itself contain colons (`ollama:llama3:70b`, `mistral:ft:open-mistral-7b:abc`):
/// only the first colon separates the provider. A bare model name (`gpt-4`) has its provider
/// inferred from well-known name prefixes; see ``ModelID/inferProvider(forModel:)``.
public struct ModelID: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Parses `provider:model`, or a bare model whose provider can be inferred.
    /// Returns nil for empty parts or a bare model of unknown provider.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let colon = trimmed.firstIndex(of: ":") {
            let provider = String(trimmed[..<colon]), model = String(trimmed[trimmed.index(after: colon)...])
            // `ft:base:suffix` is a Mistral/OpenAI fine-tune id, not a provider called "ft".
            if provider == "ft", let inferred = Self.inferProvider(forModel: trimmed) {
                self.init(provider: inferred, model: trimmed)
                return
            }
            guard !provider.isEmpty, !model.isEmpty else { return nil }
            self.init(provider: provider.lowercased(), model: model)
        } else {
            guard !trimmed.isEmpty, let provider = Self.inferProvider(forModel: trimmed) else { return nil }
            self.init(provider: provider, model: trimmed)
        }
    }

    /// String literals in code are trusted: an unparseable literal keeps the text as the model
    /// of an empty provider, which every lookup then reports as unknown.
    public init(stringLiteral value: String) {
        self = ModelID(parsing: value) ?? ModelID(provider: "", model: value)
    }

    public var description: String { "\(provider):\(model)" }

    /// The provider a bare model name belongs to, from the naming conventions of the providers
    /// (``ProviderKind/modelPrefixes``).
    public static func inferProvider(forModel model: String) -> String? {
        let name = model.lowercased()
        if SimulatedCatalog.models.contains(where: { $0.id == name }) { return "sim" }
        return ProviderKind.owning(model: name)?.name
    }
}

import Foundation
