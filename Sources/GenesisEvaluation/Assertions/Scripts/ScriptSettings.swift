import Foundation
import GenesisProcess

/// Where `javascript` and `python` assertions find their interpreters, and how long and how much
/// each run may take and write.
public struct ScriptSettings: Sendable, Hashable {
    /// Directories searched for `node` and `python3`, as in PATH.
    public var searchPath: String?
    /// The Python to use instead of `python3`: promptfoo's `PROMPTFOO_PYTHON` (a path, or a name on PATH).
    public var python: String?
    public var limits: ChildProcess.Limits

    public init(searchPath: String?, python: String? = nil, limits: ChildProcess.Limits = .init()) {
        self.searchPath = searchPath
        self.python = python
        self.limits = limits
    }

    /// PATH and PROMPTFOO_PYTHON from our environment; 30 s and 1 MiB of output a run.
    public static var fromEnvironment: ScriptSettings {
        let environment = ProcessInfo.processInfo.environment
        return ScriptSettings(searchPath: environment["PATH"], python: environment["PROMPTFOO_PYTHON"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The program that runs `language`, or nil when there is none.
    public func interpreter(for language: ScriptLanguage) -> String? {
        switch language {
        case .javascript: ChildProcess.find("node", searchPath: searchPath)
        case .python: python.map { ChildProcess.find($0, searchPath: searchPath) } ?? ChildProcess.find("python3", searchPath: searchPath)
        }
    }

    /// What to say when `language` has no interpreter.
    func missing(_ language: ScriptLanguage) -> String {
        switch language {
        case .javascript:
            "javascript assertions run with node (Node.js), which is not on PATH; install it (e.g. apt-get install nodejs) or remove the assertion"
        case .python:
            if let python { "python assertions run with PROMPTFOO_PYTHON=\(python), which is not an executable found on PATH" } else {
                "python assertions run with python3, which is not on PATH; install it, set PROMPTFOO_PYTHON, or remove the assertion"
            }
        }
    }
}
