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
        let names = registry.providerNames
        if let provider, !names.contains(provider) {
            throw registry.unknownProvider(provider)
        }
        var rows: [ModelRow] = []
        var problems: [String] = []
        let today = ModelPrice.today()
        /// One model's row: what the provider says of it, and what the catalog knows.
        func row(_ id: ModelID, contextWindow: Int?, simulated: Bool, summary: String?) -> ModelRow {
            let price = registry.price(for: id)
            return ModelRow(id: id, contextWindow: contextWindow ?? price?.contextWindow, simulated: simulated,
                            inputPerMillion: price?.inputPerMillion, outputPerMillion: price?.outputPerMillion,
                            deprecationDate: price?.deprecationDate, retired: price?.isRetired(on: today) ?? false,
                            retirement: price?.retirement(on: today), summary: summary)
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
            var object: [String: JSONValue] = ["models": .array(rows.map(\.json))]
            if !problems.isEmpty { object["errors"] = .array(problems.map(JSONValue.string)) }
            try Terminal.out(AnswerJSON.render(object) + "\n")
        } else {
            for row in rows { try Terminal.out(row.line + "\n") }
            for problem in problems { Terminal.err("genesis: \(problem)\n") }
        }
        if rows.isEmpty, let first = problems.first { throw ValidationError(first) }
    }
}

/// One line of `genesis models`: the model, and what the catalog knows of it.
struct ModelRow {
    var id: ModelID
    var contextWindow: Int?
    var simulated: Bool
    var inputPerMillion: Double?
    var outputPerMillion: Double?
    var deprecationDate: String?
    var retired: Bool
    var retirement: String?
    var summary: String?

    var json: JSONValue {
        var row: [String: JSONValue] = [
            "id": .string(id.description), "provider": .string(id.provider), "model": .string(id.model),
            "context_window": .nullable(contextWindow), "simulated": .bool(simulated),
            "input_per_million": .nullable(inputPerMillion), "output_per_million": .nullable(outputPerMillion),
            "deprecation_date": .nullable(deprecationDate), "retired": .bool(retired),
        ]
        if let retirement { row["retirement"] = .string(retirement) }
        if let summary { row["summary"] = .string(summary) }
        return .object(row)
    }

    var line: String {
        let id = id.description
        let context = contextWindow.map { "\($0 / 1000)k ctx" } ?? "ctx ?"
        let price: String = {
            guard let input = inputPerMillion, let output = outputPerMillion else { return "price unknown" }
            return input == 0 && output == 0 ? "free" : "$\(input) / $\(output) per M"
        }()
        let notes = [retirement, summary].compactMap { $0 }.joined(separator: " · ")
        return id.padding(toLength: max(24, id.count + 1), withPad: " ", startingAt: 0) + context.padding(toLength: 11, withPad: " ", startingAt: 0)
            + price.padding(toLength: 22, withPad: " ", startingAt: 0) + notes
    }
}
