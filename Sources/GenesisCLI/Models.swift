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
        for name in provider.map({ [$0] }) ?? names {
            do {
                for info in try await registry.listModels(provider: name) {
                    let price = registry.configuration.prices.price(for: info.id)
                    var row: [String: Any] = [
                        "id": info.id.description, "provider": info.id.provider, "model": info.id.model,
                        "context_window": info.contextWindow.map { $0 as Any } ?? NSNull(),
                        "simulated": info.isSimulated,
                        "input_per_million": price.map { $0.inputPerMillion as Any } ?? NSNull(),
                        "output_per_million": price.map { $0.outputPerMillion as Any } ?? NSNull(),
                    ]
                    if let summary = info.summary { row["summary"] = summary }
                    rows.append(row)
                }
            } catch {
                // Still offer the configured models: any id the provider accepts can be asked.
                for model in registry.configuration.providers[name]?.models ?? [] {
                    let id = ModelID(provider: name, model: model)
                    let price = registry.configuration.prices.price(for: id)
                    rows.append(["id": id.description, "provider": name, "model": model,
                                 "context_window": price?.contextWindow.map { $0 as Any } ?? NSNull(), "simulated": false,
                                 "input_per_million": price.map { $0.inputPerMillion as Any } ?? NSNull(),
                                 "output_per_million": price.map { $0.outputPerMillion as Any } ?? NSNull(),
                                 "summary": "configured; not listed by the provider"])
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
                let summary = (row["summary"] as? String) ?? ""
                try Terminal.out("\(id.padding(toLength: max(24, id.count + 1), withPad: " ", startingAt: 0))\(context.padding(toLength: 11, withPad: " ", startingAt: 0))\(price.padding(toLength: 22, withPad: " ", startingAt: 0))\(summary)\n")
            }
            for problem in problems { Terminal.err("genesis: \(problem)\n") }
        }
        if rows.isEmpty, let first = problems.first { throw ValidationError(first) }
    }
}
