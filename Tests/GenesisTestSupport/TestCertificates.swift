import Foundation
import NIOSSL

/// A certificate authority of a test's own and a server certificate it signed for 127.0.0.1,
/// made with the `openssl` command in a fresh directory, for https servers on loopback that
/// only a client trusting this authority accepts.
public struct TestCertificates: Sendable {
    public let directory: URL
    /// The authority's certificate, PEM: what `SSL_CERT_FILE` or `[network] ca_file` names.
    public var authority: String { directory.appendingPathComponent("ca.pem").path }
    public var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    public var serverKey: String { directory.appendingPathComponent("server.key").path }

    public static var canMake: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    /// Made on a thread of its own: two RSA keys can take openssl seconds on a busy machine, and
    /// a test waiting for them on one of Swift concurrency's few threads would hold back every
    /// other test's tasks (fake servers included) meanwhile.
    public static func make() async throws -> TestCertificates {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try TestCertificates() }) }
        }
    }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-ca-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let d = directory.path
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem",
                          "-days", "2", "-subj", "/CN=Genesis Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                          "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr",
                          "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(toFile: "\(d)/ext.cnf", atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial",
                          "-out", "\(d)/server.pem", "-days", "2", "-extfile", "\(d)/ext.cnf"])
    }

    /// A server context presenting the signed certificate.
    public func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(serverCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: serverKey, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        // To a file, not a pipe: reading a pipe with FileHandle traps when a signal interrupts it
        // (another test's child process ending).
        let said = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-\(UUID()).err")
        FileManager.default.createFile(atPath: said.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: said) }
        process.standardError = try FileHandle(forWritingTo: said)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let words = (try? String(contentsOf: said, encoding: .utf8)) ?? ""
            throw NSError(domain: "openssl", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.first ?? "") failed: \(words)"])
        }
    }
}
