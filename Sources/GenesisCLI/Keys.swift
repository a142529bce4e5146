import ArgumentParser
import Foundation
import GenesisEngine
import GenesisProviders
import GenesisStore

/// `genesis keys`: which API keys Genesis would use, masked, with their use from the ledger.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the API keys found (environment and keys.toml), masked, with uses and last use from the ledger.",
        discussion: "Keys are never shown whole. keys.toml lives beside config.toml and must be private (chmod 600).")

    @Flag(name: .long, help: "Print {\"keys_file\", \"keys\": [{\"provider\", \"source\", \"masked\", \"uses\", \"last_used\", \"authentication_failures\"}], \"providers_without_keys\"}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    struct Entry {
        var provider: String
        var source: String
        var masked: String
        var use: KeyUse?
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try global.loadConfiguration()
        let keyFilePath = KeyFile.path(environment: environment)
        let fileKeys = try global.loadKeys(for: configuration)
        var usage: [String: KeyUse] = [:]
        if let storage = try global.openStorage(configuration) { usage = try await storage.keyUsage() }

        var providers = configuration.providers
        let kinds = ProviderKindTable.standard.configurableKinds
        for kind in kinds where providers[kind.name] == nil && !kind.keyVariables.isEmpty {
            providers[kind.name] = ProviderConfiguration(kind: kind.name, apiKeyEnvironment: kind.keyVariables)
        }
        var entries: [Entry] = []
        var without: [String] = []
        for name in Set(providers.keys).union(fileKeys.providers).sorted() {
            let config = providers[name]
            let kind = config?.kind ?? name
            let variables = (config?.apiKeyEnvironment.isEmpty ?? true) ? kinds.first { $0.name == kind }?.keyVariables ?? []
                                                                       : config!.apiKeyEnvironment
            // The keys exactly as the provider's key ring would use them (environment first, then keys.toml).
            let ring = APIKeyRing(provider: name, variables: variables, environment: environment, fileKeys: fileKeys.keys(for: name))
            if ring.isEmpty {
                if !variables.isEmpty { without.append(name) }
                continue
            }
            for key in ring.usage {
                entries.append(Entry(provider: name, source: key.source, masked: key.masked, use: usage[key.id]))
            }
        }
        let fileExists = FileManager.default.fileExists(atPath: keyFilePath)
        if json {
            try Terminal.out(AnswerJSON.render([
                "keys_file": ["path": .string(keyFilePath), "exists": .bool(fileExists), "keys": .integer(fileKeys.secrets.count)],
                "keys": .array(entries.map { e -> JSONValue in
                    ["provider": .string(e.provider), "source": .string(e.source), "masked": .string(e.masked), "uses": .integer(e.use?.uses ?? 0),
                     "last_used": .nullable(e.use.map { ConversationFormat.iso($0.lastUsed) }),
                     "authentication_failures": .integer(e.use?.authenticationFailures ?? 0)]
                }),
                "providers_without_keys": .array(without.map(JSONValue.string)),
            ]) + "\n")
            return
        }
        try Terminal.out("keys file: \(keyFilePath)\(fileExists ? " (\(fileKeys.secrets.count) key(s))" : " (none)")\n")
        if entries.isEmpty { try Terminal.out("No API keys found: Genesis runs on the simulated provider. Set e.g. OPENAI_API_KEY, or add keys to the keys file.\n") }
        for e in entries {
            let use = e.use.map { "\($0.uses) use(s), last \(ConversationFormat.iso($0.lastUsed))\($0.authenticationFailures > 0 ? ", \($0.authenticationFailures) rejected" : "")" } ?? "not used yet"
            try Terminal.out("\(e.provider.padding(toLength: 10, withPad: " ", startingAt: 0)) \(e.masked)  \(e.source)  \(use)\n")
        }
        if !without.isEmpty { try Terminal.out("no key: \(without.joined(separator: ", "))\n") }
    }
}
