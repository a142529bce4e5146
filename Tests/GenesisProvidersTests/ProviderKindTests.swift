import GenesisEngine
import GenesisProviders
import Testing

/// The descriptors of the kinds Genesis ships (each beside its wire format in GenesisProviders),
/// and what the engine reads of them once they are handed to it as a value.
@Suite("Provider kinds: one descriptor per kind")
struct ProviderKindTests {
    static let kinds = ProviderKindTable.standard.configurableKinds

    @Test func theConfigurationsKindsAreTheDescriptorsInTheirOrder() throws {
        #expect(Self.kinds.map(\.name) == ["sim", "openai", "anthropic", "gemini", "mistral", "ollama", "llamacpp", "openai-compatible"])
        // A configuration keeps the kinds it was read against; the engine alone knows only the simulator.
        #expect(try ConfigLoader.parse("", file: "config.toml", kinds: Self.kinds).kinds == Self.kinds)
        #expect(GenesisConfiguration().kinds == [.sim])
    }

    @Test func aKindsKeyVariablesAreItsDefaults() throws {
        #expect(Self.kinds.named("gemini")?.keyVariables == ["GEMINI_API_KEY", "GOOGLE_API_KEY"])
        #expect(Self.kinds.named("ollama")?.keyVariables.isEmpty == true)
        #expect(Self.kinds.named("no-such-kind") == nil)
        let configuration = try ConfigLoader.parse("[providers.gemini]\nmodels = [\"gemini-3.5-flash\"]\n", file: "config.toml", kinds: Self.kinds)
        #expect(configuration.providers["gemini"]?.apiKeyEnvironment == ["GEMINI_API_KEY", "GOOGLE_API_KEY"])
    }

    @Test(arguments: [("gpt-4o", "openai"), ("ft:gpt-4o-mini:acme", "openai"), ("o3-mini", "openai"), ("Claude-3-Opus", "anthropic"),
                      ("gemini-2.5-flash", "gemini"), ("ft:codestral-latest:x", "mistral"), ("open-mixtral-8x7b", "mistral"),
                      ("llama3.2:3b", "ollama")])
    func aBareModelNameBelongsToTheKindWhosePrefixItHas(model: String, kind: String) {
        #expect(ModelID.inferProvider(forModel: model, kinds: Self.kinds) == kind)
        if !model.contains(":") { #expect(ModelID(parsing: model, kinds: Self.kinds)?.provider == kind) }
    }

    @Test func aNameNoKindClaimsBelongsToNone() {
        #expect(ModelID.inferProvider(forModel: "qwen3:8b", kinds: Self.kinds) == nil)
        // Without the kinds only the simulator's own models are known by their bare names.
        #expect(ModelID(parsing: "gpt-4o") == nil)
        #expect(ModelID(parsing: "balanced") == ModelID(provider: "sim", model: "balanced"))
    }

    @Test func theBaseURLIsTheConfigurationsThenTheEnvironmentsThenTheKinds() {
        let environment = ["MISTRAL_BASE_URL": "http://proxy:9000"]
        #expect(ProviderKind.mistral.baseURL(configured: "http://mine", environment: environment) == "http://mine")
        #expect(ProviderKind.mistral.baseURL(configured: nil, environment: environment) == "http://proxy:9000")
        #expect(ProviderKind.mistral.baseURL(configured: nil, environment: [:]) == "https://api.mistral.ai")
        #expect(ProviderKind.openAICompatible.baseURL(configured: nil, environment: ["OPENAI_BASE_URL": "http://x"]) == "http://127.0.0.1:8000/v1")
    }

    @Test func namesAndCatalogNamesAreEachClaimedOnce() {
        let names = Self.kinds.map(\.name), catalogNames = Self.kinds.flatMap(\.catalogNames)
        #expect(Set(names).count == names.count)
        #expect(Set(catalogNames).count == catalogNames.count)
        #expect(Self.kinds.catalogNames == ["openai", "anthropic", "gemini", "mistral", "deepseek", "xai", "groq", "cerebras"])
    }

    @Test func aKindsImageLimitsAreItsDescriptorsAndAnUnknownKindsAreGenesisOwn() throws {
        var configuration = try ConfigLoader.parse("[providers.claude]\nkind = \"anthropic\"\n", file: "config.toml", kinds: Self.kinds)
        configuration.providers["mystery"] = ProviderConfiguration(kind: "mystery")
        #expect(configuration.kind(ofProvider: "claude")?.imageLimits == ProviderKind.anthropic.imageLimits)
        #expect(configuration.kind(ofProvider: "mistral")?.imageLimits == .unstated)
        #expect(configuration.kind(ofProvider: "mystery") == nil)
        #expect(ImageLimits.unstated.perImage == ImageLimits.largestImage)
    }

    @Test func aModelsTraitsComeFromItsKindsFamiliesAndWhatTheCatalogMeansToThatKind() {
        let anthropic = ProviderKind.anthropic.modelTraits, gemini = ProviderKind.gemini.modelTraits
        #expect(anthropic.traits(of: "claude-opus-4-8-20260101", price: nil) == ModelTraits(thinking: .adaptiveOnly, refusesSampling: true))
        #expect(gemini.traits(of: "gemini-3.1-pro-preview", price: nil) == ModelTraits(thinking: .geminiLevel))
        // Families are the kind's own: the same name at another kind is an unknown model.
        #expect(ProviderKind.openAICompatible.modelTraits.traits(of: "claude-opus-4-8", price: nil) == ModelTraits())
        // Catalog flags: a Claude that refuses sampling takes only adaptive thinking; elsewhere it only refuses sampling.
        let quill = ModelPrice(provider: "x", model: "quill-6", inputPerMillion: 1, outputPerMillion: 5, supportsReasoning: true, supportsSampling: false)
        #expect(anthropic.traits(of: "quill-6", price: quill) == ModelTraits(thinking: .adaptiveOnly, refusesSampling: true))
        #expect(gemini.traits(of: "quill-6", price: quill) == ModelTraits(refusesSampling: true))
        let thinker = ModelPrice(provider: "x", model: "quill-5", inputPerMillion: 1, outputPerMillion: 5, supportsReasoning: true)
        #expect(anthropic.traits(of: "quill-5", price: thinker) == ModelTraits(thinking: .budget))
    }
}
