import Foundation
import GenesisEngine

/// Finds the providers a person can use without writing any configuration: hosted providers
/// whose keys are in the environment, and a local Ollama or llama.cpp server answering on its
/// usual port (or at `OLLAMA_HOST` / `LLAMACPP_BASE_URL`).
public enum ProviderDiscovery {
    /// Adds what was found to `configuration`; providers it already names are left alone.
    /// `OLLAMA_HOST` and `LLAMACPP_BASE_URL` add their server as given; otherwise the default
    /// ports on 127.0.0.1 are probed, unless `GENESIS_DISCOVER_LOCAL=0`.
    public static func discover(into configuration: inout GenesisConfiguration, environment: [String: String],
                                keys: ProviderKeys = ProviderKeys()) async {
        // Hosted kinds found by their key (``ProviderKind/suggestedModels``), by name.
        for kind in ProviderKind.all.sorted(by: { $0.name < $1.name }) where !kind.suggestedModels.isEmpty && configuration.providers[kind.name] == nil {
            let variables = kind.keyVariables
            guard variables.contains(where: { !(environment[$0] ?? "").isEmpty }) || !keys.keys(for: kind.name).isEmpty else { continue }
            configuration.providers[kind.name] = ProviderConfiguration(kind: kind.name, apiKeyEnvironment: variables, models: kind.suggestedModels)
        }
        // A server named in the environment is configured as it is; the default ports are probed.
        if configuration.providers["ollama"] == nil, environment["OLLAMA_HOST"].map({ !$0.isEmpty }) == true {
            configuration.providers["ollama"] = ProviderConfiguration(kind: "ollama", idleTimeout: .seconds(300))
        }
        if configuration.providers["llamacpp"] == nil, environment["LLAMACPP_BASE_URL"].map({ !$0.isEmpty }) == true {
            configuration.providers["llamacpp"] = ProviderConfiguration(kind: "llamacpp", idleTimeout: .seconds(300))
        }
        guard environment["GENESIS_DISCOVER_LOCAL"] != "0" else { return }
        let probeOllama = configuration.providers["ollama"] == nil, probeLlamaCpp = configuration.providers["llamacpp"] == nil
        async let ollama = probeOllama ? probe("http://127.0.0.1:11434/api/version") { $0?["version"] != nil } : false
        async let llamaCpp = probeLlamaCpp ? probe("http://127.0.0.1:8080/health") {
            $0?["status"] != nil || $0?["error"]?["message"]?.string == "Loading model"
        } : false
        if await ollama {
            configuration.providers["ollama"] = ProviderConfiguration(kind: "ollama", idleTimeout: .seconds(300))
        }
        if await llamaCpp {
            configuration.providers["llamacpp"] = ProviderConfiguration(kind: "llamacpp", idleTimeout: .seconds(300))
        }
    }

    /// Whether `url` answers quickly with JSON that `accept` recognises.
    private static func probe(_ url: String, accept: @Sendable (JSONValue?) -> Bool) async -> Bool {
        do {
            let response = try await HTTPStreamingCall.send(HTTPRequestSpec(method: .GET, url: url), connectTimeout: .milliseconds(300),
                                                            idleTimeout: .seconds(1), pool: .localProbes)
            return accept(JSONValue.parse(try await response.collect(upTo: 64 << 10)))
        } catch {
            return false
        }
    }
}
