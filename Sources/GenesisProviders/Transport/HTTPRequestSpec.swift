import GenesisEngine
import NIOHTTP1

/// A request an adapter wants sent: method, URL, headers and a JSON body.
struct HTTPRequestSpec: Sendable {
    var method: HTTPMethod = .POST
    var url: String
    var headers: [(String, String)] = []
    var body: JSONValue?
}
