import Foundation
import GenesisEngine
import GRDB

/// The deployment log: every deploy, rollback and canary change, in order.
extension Storage: DeploymentLog {
    public func append(_ event: DeploymentEvent) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let json = String(decoding: try encoder.encode(event), as: UTF8.self)
        try await write { db in
            try db.execute(sql: "INSERT INTO deployment_event (time, environment, action, event) VALUES (?, ?, ?, ?)",
                           arguments: [event.time.timeIntervalSince1970, event.environment, event.action.rawValue, json])
        }
    }

    public func events() async throws -> [DeploymentEvent] {
        let rows = try await read { db in try String.fetchAll(db, sql: "SELECT event FROM deployment_event ORDER BY id") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try rows.map { try decoder.decode(DeploymentEvent.self, from: Data($0.utf8)) }
    }
}
