import GenesisEngine
import Testing

@Suite("Provider kinds: one descriptor per kind")
struct ProviderKindTests {
    @Test func theConfigurationsKindsAreTheDescriptorsInTheirOrder() {
        #expect(ProviderConfiguration.kinds == ["sim", "openai", "anthropic", "gemini", "mistral", "ollama", "llamacpp", "openai-compatible"])
        #expect(ProviderConfiguration.kinds == ProviderKind.all.map(\.name))
    }

    @Test func aKindsKeyVariablesAreItsDefaults() {
        #expect(ProviderConfiguration.defaultKeyVariables(forKind: "gemini") == ["GEMINI_API_KEY", "GOOGLE_API_KEY"])
        #expect(ProviderConfiguration.defaultKeyVariables(forKind: "ollama").isEmpty)
        #expect(ProviderConfiguration.defaultKeyVariables(forKind: "no-such-kind").isEmpty)
    }

    @Test(arguments: [("gpt-4o", "openai"), ("ft:gpt-4o-mini:acme", "openai"), ("o3-mini", "openai"), ("Claude-3-Opus", "anthropic"),
                      ("gemini-2.5-flash", "gemini"), ("ft:codestral-latest:x", "mistral"), ("open-mixtral-8x7b", "mistral"),
                      ("llama3.2:3b", "ollama")])
    func aBareModelNameBelongsToTheKindWhosePrefixItHas(model: String, kind: String) {
        #expect(ModelID.inferProvider(forModel: model) == kind)
    }

    @Test func aNameNoKindClaimsBelongsToNone() {
        #expect(ModelID.inferProvider(forModel: "qwen3:8b") == nil)
    }

    @Test func theBaseURLIsTheConfigurationsThenTheEnvironmentsThenTheKinds() {
        let environment = ["MISTRAL_BASE_URL": "http://proxy:9000"]
        #expect(ProviderKind.mistral.baseURL(configured: "http://mine", environment: environment) == "http://mine")
        #expect(ProviderKind.mistral.baseURL(configured: nil, environment: environment) == "http://proxy:9000")
        #expect(ProviderKind.mistral.baseURL(configured: nil, environment: [:]) == "https://api.mistral.ai")
        #expect(ProviderKind.openAICompatible.baseURL(configured: nil, environment: ["OPENAI_BASE_URL": "http://x"]) == "http://127.0.0.1:8000/v1")
    }

    @Test func namesAndCatalogNamesAreEachClaimedOnce() {
        let names = ProviderKind.all.map(\.name), catalogNames = ProviderKind.all.flatMap(\.catalogNames)
        #expect(Set(names).count == names.count)
        #expect(Set(catalogNames).count == catalogNames.count)
        #expect(Set(LiteLLMCatalog.providers.keys) == Set(catalogNames))
    }

    @Test func aKindsImageLimitsAreItsDescriptorsAndAnUnknownKindsAreGenesisOwn() {
        #expect(ImageLimits.forKind("anthropic") == ProviderKind.anthropic.imageLimits)
        #expect(ImageLimits.forKind("mistral") == .unstated && ImageLimits.forKind("no-such-kind") == .unstated)
        #expect(ImageLimits.unstated.perImage == ImageLimits.largestImage)
    }

    @Test func aModelsTraitsComeFromItsKindsFamiliesAndWhatTheCatalogMeansToThatKind() {
        #expect(ModelTraits.of(kind: "anthropic", model: "claude-opus-4-8-20260101") == ModelTraits(thinking: .adaptiveOnly, refusesSampling: true))
        #expect(ModelTraits.of(kind: "gemini", model: "gemini-3.1-pro-preview") == ModelTraits(thinking: .geminiLevel))
        // Families are the kind's own: the same name at another kind is an unknown model.
        #expect(ModelTraits.of(kind: "openai-compatible", model: "claude-opus-4-8") == ModelTraits())
        // Catalog flags: a Claude that refuses sampling takes only adaptive thinking; elsewhere it only refuses sampling.
        let quill = ModelPrice(provider: "x", model: "quill-6", inputPerMillion: 1, outputPerMillion: 5, supportsReasoning: true, supportsSampling: false)
        #expect(ModelTraits.of(kind: "anthropic", model: "quill-6", price: quill) == ModelTraits(thinking: .adaptiveOnly, refusesSampling: true))
        #expect(ModelTraits.of(kind: "gemini", model: "quill-6", price: quill) == ModelTraits(refusesSampling: true))
        let thinker = ModelPrice(provider: "x", model: "quill-5", inputPerMillion: 1, outputPerMillion: 5, supportsReasoning: true)
        #expect(ModelTraits.of(kind: "anthropic", model: "quill-5", price: thinker) == ModelTraits(thinking: .budget))
    }
}
