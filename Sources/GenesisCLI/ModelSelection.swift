import ArgumentParser
import GenesisEngine
import GenesisProviders

extension ModelID: ExpressibleByArgument {
    /// A bare model name's provider is inferred from the kinds Genesis ships.
    public init?(argument: String) {
        self.init(parsing: argument, kinds: ProviderKindTable.standard.configurableKinds)
    }
}

/// Resolves `--provider` and `--model` into a model: `--model P:M`, `--provider P --model M`, a
/// bare `--model` whose provider is known from its name, or the configured default.
func selectModel(provider: String?, model: String?, configuration: GenesisConfiguration) throws -> ModelID {
    switch (provider, model) {
    case let (p?, m?):
        if m.hasPrefix(p + ":") { return ModelID(provider: p, model: String(m.dropFirst(p.count + 1))) }
        return ModelID(provider: p, model: m)
    case let (nil, m?):
        guard let id = ModelID(parsing: m, kinds: configuration.kinds) else {
            throw ValidationError("cannot tell which provider serves \"\(m)\"; write --model provider:model (e.g. sim:fast) or add --provider")
        }
        return id
    case let (p?, nil):
        if p == configuration.defaultModel.provider { return configuration.defaultModel }
        guard let first = configuration.providers[p]?.models.first else {
            throw ValidationError("name a model of provider \"\(p)\" with --model; `genesis models --provider \(p)` lists them")
        }
        return ModelID(provider: p, model: first)
    case (nil, nil):
        return configuration.defaultModel
    }
}
