import Foundation
import GenesisEngine

/// The orchestrator's part in local models: start a llama.cpp server, health-check it, register
/// it as a provider and deploy its model; stop it again.
extension DeploymentOrchestrator {
    public struct LocalDeployment: Sendable, Hashable {
        public var server: LocalServers.Started
        /// What `environment` now serves, when one was given.
        public var deployment: Deployment?
    }

    /// Starts the server of `settings` and waits until `/health` says ok (see `LocalServers`).
    /// With `registry`, the server becomes provider `settings.name` (kind `llamacpp`) there unless
    /// it is one already; with `environment`, its model is deployed to it.
    @discardableResult
    public func startLocalServer(_ settings: LocalServerSettings, registry: ModelRegistry? = nil, environment: String? = nil,
                                 parameters: GenerationParameters = .init(), note: String? = nil,
                                 processEnvironment: [String: String] = ProcessInfo.processInfo.environment) async throws -> LocalDeployment {
        let started = try await LocalServers.start(settings, environment: processEnvironment)
        do {
            if let registry, !registry.providerNames.contains(settings.name) {
                try await registry.addProvider(name: settings.name, config: ProviderConfiguration(
                    kind: "llamacpp", baseURL: settings.baseURL, models: [settings.modelID], idleTimeout: .seconds(300)))
            }
            var deployment: Deployment?
            if let environment {
                deployment = try await deployModel(provider: settings.name, model: settings.modelID, environment: environment,
                                                   parameters: parameters, note: note)
            }
            return LocalDeployment(server: started, deployment: deployment)
        } catch {
            await LocalServers.stop(settings.name, environment: processEnvironment) // nothing half-done is left running
            throw error
        }
    }

    /// Stops the server named `name`: SIGTERM, then SIGKILL after `grace`. False when it was not running.
    @discardableResult
    public func stopLocalServer(named name: String, grace: Duration = .seconds(5),
                                processEnvironment: [String: String] = ProcessInfo.processInfo.environment) async -> Bool {
        await LocalServers.stop(name, environment: processEnvironment, grace: grace)
    }
}
