import ArgumentParser
import GenesisEngine

/// Options of every command that asks models something.
struct GenerationOptions: ParsableArguments {
    @Option(name: .long, help: "A system prompt, sent before the user's.")
    var system: String?

    @Option(name: .long, help: "The most tokens an answer may have (finish reason `length` when reached).")
    var maxTokens: Int?

    @Option(name: .long, help: "Sampling temperature, 0 to 2 (0 is deterministic and cacheable).")
    var temperature: Double?

    @Option(name: .long, help: "Sampling seed, for providers that support one (the simulator does).")
    var seed: UInt64?

    @Option(name: .long, help: "A stop sequence (repeatable).")
    var stop: [String] = []

    @Option(name: .long, help: "Retries per model after a transient failure (default: the configuration's, 2).")
    var retries: Int?

    @Option(name: .long, help: ArgumentHelp("A model to fall back to (repeatable), after the configured chain.", valueName: "provider:model"))
    var fallback: [ModelID] = []

    @Option(name: .long, help: "Seconds for the whole request, all retries and fallbacks included.")
    var timeout: Double?

    @Flag(name: .long, help: "Ask for JSON output (the provider's JSON mode) and check that the answer parses.")
    var expectJSON = false

    @Option(name: .long, help: ArgumentHelp("How hard reasoning models think: none, minimal, low, medium, high, xhigh or max (unset: the model's default).",
                                            valueName: "level"))
    var reasoning: ReasoningLevel?

    @Option(name: .long, help: ArgumentHelp("Attach an image file to the prompt (repeatable; PNG, JPEG, GIF or WebP).", valueName: "file"))
    var image: [String] = []

    @Option(name: .long, help: ArgumentHelp("The answer cache for this run: never, deterministic (temperature 0 only) or always (default: the configuration's [cache] policy).",
                                            valueName: "policy"))
    var cache: CachePolicy?

    func validate() throws {
        if let maxTokens, !(1...10_000_000).contains(maxTokens) { throw ValidationError("--max-tokens must be from 1 to 10000000, got \(maxTokens)") }
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2, got \(temperature)") }
        if let retries, !(0...100).contains(retries) { throw ValidationError("--retries must be from 0 to 100, got \(retries)") }
        if let timeout, !(timeout.isFinite && timeout > 0 && timeout <= 86_400) {
            throw ValidationError("--timeout must be more than 0 and at most 86400 seconds, got \(timeout)")
        }
    }

    var parameters: GenerationParameters {
        GenerationParameters(maxTokens: maxTokens, temperature: temperature, stopSequences: stop, seed: seed,
                             responseFormat: expectJSON ? .json : nil, reasoning: reasoning)
    }

    var requestOptions: RequestOptions {
        RequestOptions(timeout: timeout.map { .milliseconds(Int64($0 * 1000)) }, maxAttempts: retries.map { $0 + 1 },
                       extraFallbacks: fallback, cachePolicy: cache)
    }

    /// The request for one model; images are read once per call. `defaults` (a deployment's
    /// parameters) fill what the flags leave unset.
    func request(model: ModelID, prompt: String, defaults: GenerationParameters = .init()) throws -> GenerationRequest {
        var request = GenerationRequest(model: model, prompt: prompt, system: system, parameters: parameters.filled(from: defaults))
        if !image.isEmpty {
            let images = try image.map { ContentPart.image(try ImageSource.file($0)) }
            request.messages[request.messages.count - 1] = ChatMessage(role: .user, parts: [.text(prompt)] + images)
        }
        return request
    }
}

extension ReasoningLevel: ExpressibleByArgument {}
extension CachePolicy: ExpressibleByArgument {}

/// Where the prompt comes from: the argument, or standard input for `-` or when piped.
func readPrompt(_ argument: String?) throws -> String {
    let prompt: String
    if let argument, argument != "-" {
        try Terminal.checkArgumentIsUTF8(argument)
        prompt = argument
    } else if argument == "-" || !Terminal.stdinIsTerminal {
        prompt = try Terminal.readStandardInput()
    } else {
        throw ValidationError("no prompt: pass it as an argument, or pipe it on standard input")
    }
    guard !prompt.allSatisfy(\.isWhitespace) else {
        throw ValidationError("the prompt is empty; pass some text, or pipe it on standard input")
    }
    return prompt
}
