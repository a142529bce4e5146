import ArgumentParser
import Foundation
import GenesisEngine

/// `genesis models`: what each configured provider offers.
struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models of the configured providers.")

    @Option(name: .long, help: "Only this provider's models.")
    var provider: String?

    @Flag(name: .long, help: "Print {\"models\": [{\"id\", \"provider\", \"model\", \"context_window\", ...}]}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let registry = try await global.makeRegistry()
        let names = await registry.providerNames
        if let provider, !names.contains(provider) {
            throw ValidationError("unknown provider \"\(provider)\"; configured: \(names.joined(separator: ", "))")
        }
        var rows: [[String: Any]] = []
        var problems: [String] = []
        let today = ModelPrice.today()
        /// One model's row: what the provider says of it, and what the catalog knows.
        func row(_ id: ModelID, contextWindow: Int?, simulated: Bool, summary: String?) -> [String: Any] {
            let price = registry.price(for: id)
            func value<T>(_ x: T?) -> Any { x.map { $0 as Any } ?? NSNull() }
            var row: [String: Any] = [
                "id": id.description, "provider": id.provider, "model": id.model,
                "context_window": value(contextWindow ?? price?.contextWindow), "simulated": simulated,
                "input_per_million": value(price?.inputPerMillion), "output_per_million": value(price?.outputPerMillion),
                "deprecation_date": value(price?.deprecationDate), "retired": price?.isRetired(on: today) ?? false,
            ]
            if let retirement = price?.retirement(on: today) { row["retirement"] = retirement }
            if let summary { row["summary"] = summary }
            return row
        }
        for name in provider.map({ [$0] }) ?? names {
            do {
                for info in try await registry.listModels(provider: name) {
                    rows.append(row(info.id, contextWindow: info.contextWindow, simulated: info.isSimulated, summary: info.summary))
                }
            } catch {
                // Still offer the configured models: any id the provider accepts can be asked.
                for model in registry.configuration.providers[name]?.models ?? [] {
                    rows.append(row(ModelID(provider: name, model: model), contextWindow: nil, simulated: false,
                                    summary: "configured; not listed by the provider"))
                }
                problems.append("\(name): \(error)")
            }
        }
        if json {
            var object: [String: Any] = ["models": rows]
            if !problems.isEmpty { object["errors"] = problems }
            try Terminal.out(AnswerJSON.render(object) + "\n")
        } else {
            for row in rows {
                let id = (row["id"] as? String) ?? ""
                let context = (row["context_window"] as? Int).map { "\($0 / 1000)k ctx" } ?? "ctx ?"
                let price: String = {
                    guard let input = row["input_per_million"] as? Double, let output = row["output_per_million"] as? Double else { return "price unknown" }
                    return input == 0 && output == 0 ? "free" : "$\(input) / $\(output) per M"
                }()
                let summary = [row["retirement"] as? String, row["summary"] as? String].compactMap { $0 }.joined(separator: " · ")
                try Terminal.out("\(id.padding(toLength: max(24, id.count + 1), withPad: " ", startingAt: 0))\(context.padding(toLength: 11, withPad: " ", startingAt: 0))\(price.padding(toLength: 22, withPad: " ", startingAt: 0))\(summary)\n")
            }
            for problem in problems { Terminal.err("genesis: \(problem)\n") }
        }
        if rows.isEmpty, let first = problems.first { throw ValidationError(first) }
    }
}
