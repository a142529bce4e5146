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

    public init(method: HTTPMethod = .POST, url: String, headers: [(String, String)] = [], body: JSONValue? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
