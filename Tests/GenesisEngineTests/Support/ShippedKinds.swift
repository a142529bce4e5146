import GenesisEngine
import GenesisProviders

extension [ProviderKind] {
    /// The kinds Genesis ships, for configurations that name them (the engine alone knows `sim`).
    static var shipped: [ProviderKind] { ProviderKindTable.standard.configurableKinds }
}
