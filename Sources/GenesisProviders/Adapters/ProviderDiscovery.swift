import Foundation
import GenesisEngine

/// Finds the providers a person can use without writing any configuration: hosted providers
/// whose keys are in the environment, and a local server answering at its kind's default base URL
/// (or named by its kind's variable: `OLLAMA_HOST`, `LLAMACPP_BASE_URL`). What each kind offers
/// and how its server is recognised are its entry in a ``ProviderKindTable``.
public enum ProviderDiscovery {
    /// Adds what was found to `configuration`; providers it already names are left alone.
    /// A local kind's variable adds its server as given; otherwise the default base URLs on
    /// 127.0.0.1 are probed, all at once, unless `GENESIS_DISCOVER_LOCAL=0`. The table's kinds
    /// the configuration did not know are added to its ``GenesisConfiguration/kinds``, so that
    /// what it adds has its kind's key variables redacted and its image limits checked.
    public static func discover(into configuration: inout GenesisConfiguration, environment: [String: String],
                                keys: ProviderKeys = ProviderKeys(), kinds: ProviderKindTable = .standard) async {
        for kind in kinds.configurableKinds where configuration.kinds.named(kind.name) == nil { configuration.kinds.append(kind) }
        // Hosted kinds found by their key (``ProviderKind/suggestedModels``), by name.
        for kind in kinds.kinds.sorted(by: { $0.name < $1.name }) where !kind.suggestedModels.isEmpty && configuration.providers[kind.name] == nil {
            let variables = kind.keyVariables
            guard variables.contains(where: { !(environment[$0] ?? "").isEmpty }) || !keys.keys(for: kind.name).isEmpty else { continue }
            configuration.providers[kind.name] = ProviderConfiguration(kind: kind.name, apiKeyEnvironment: variables, models: kind.suggestedModels)
        }
        // A server named in the environment is configured as it is; the default base URLs are probed.
        for kind in kinds.kinds where configuration.providers[kind.name] == nil {
            if let variable = kind.localServerVariable, environment[variable].map({ !$0.isEmpty }) == true {
                configuration.providers[kind.name] = local(kind)
            }
        }
        guard environment["GENESIS_DISCOVER_LOCAL"] != "0" else { return }
        let probes = kinds.entries.compactMap { entry -> (kind: ProviderKind, url: String, probe: ProviderKindTable.LocalProbe)? in
            guard let probe = entry.localProbe, let base = entry.kind.defaultBaseURL, configuration.providers[entry.kind.name] == nil else { return nil }
            return (entry.kind, base + probe.path, probe)
        }
        let answering = await withTaskGroup(of: String?.self) { group in
            for (kind, url, probe) in probes {
                group.addTask { await Self.probe(url, accept: probe.recognises) ? kind.name : nil }
            }
            return await group.reduce(into: Set<String>()) { found, name in if let name { found.insert(name) } }
        }
        for (kind, _, _) in probes where answering.contains(kind.name) {
            configuration.providers[kind.name] = local(kind)
        }
    }

    /// A local server of `kind`, where the first answer may wait for a model to load.
    private static func local(_ kind: ProviderKind) -> ProviderConfiguration {
        ProviderConfiguration(kind: kind.name, idleTimeout: .seconds(300))
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
