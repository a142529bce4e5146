/// A llama.cpp server Genesis can start and stop (`[local.NAME]` in config.toml). It is also a
/// provider named NAME (kind `llamacpp`) at `http://127.0.0.1:PORT`.
public struct LocalServerSettings: Sendable, Hashable {
    public var name: String
    /// The `llama-server` binary.
    public var binary: String
    /// The GGUF model file it serves.
    public var modelFile: String
    public var port: Int
    /// More arguments for the server, e.g. `["--ctx-size", "8192"]`.
    public var arguments: [String]
    /// How long to wait for `/health` to say ok (loading a model takes a while).
    public var startupTimeout: Duration

    public init(name: String, binary: String, modelFile: String, port: Int, arguments: [String] = [], startupTimeout: Duration = .seconds(120)) {
        self.name = name
        self.binary = binary
        self.modelFile = modelFile
        self.port = port
        self.arguments = arguments
        self.startupTimeout = startupTimeout
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    /// The model id it answers as: the file's name without `.gguf`.
    public var modelID: String {
        let file = modelFile.split(separator: "/").last.map(String.init) ?? modelFile
        return file.hasSuffix(".gguf") ? String(file.dropLast(5)) : file
    }
}
