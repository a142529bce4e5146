import GenesisEngine
import NIOHTTP1

/// A request an adapter wants sent: method, URL, headers and a JSON body.
public struct HTTPRequestSpec: Sendable {
    public var method: HTTPMethod = .POST
    public var url: String
    public var headers: [(String, String)] = []
    public var body: JSONValue?
    /// What the adapter changed so that the model takes the request, said to the person as notices.
    public var notes: [String] = []
    /// Settings left out after the provider refused them, by the body field that was sent.
    public var refused: [String] = []
    /// What to send instead when the provider refuses a setting that changed others (Anthropic's
    /// thinking raises `max_tokens` and leaves sampling out), by the setting's body field.
    public var fallbacks: [String: Fallback] = [:]

    /// A request's body and notes as they are without one setting.
    public struct Fallback: Sendable {
        public var body: JSONValue?
        public var notes: [String]
        /// The notes of the request with the setting, which these replace.
        public var replacing: [String]

        public init(body: JSONValue?, notes: [String], replacing: [String]) {
            self.body = body
            self.notes = notes
            self.replacing = replacing
        }
    }

    public init(method: HTTPMethod = .POST, url: String, headers: [(String, String)] = [], body: JSONValue? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
