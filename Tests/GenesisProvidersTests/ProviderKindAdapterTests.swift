import GenesisEngine
import GenesisProviders
import Testing

@Suite("Every provider kind has an adapter")
struct ProviderKindAdapterTests {
    @Test func theFactoryMakesEveryKindTheEngineDescribes() {
        #expect(ProviderAdapters.factory.kinds == ProviderKind.all.map(\.name).sorted())
    }
}
