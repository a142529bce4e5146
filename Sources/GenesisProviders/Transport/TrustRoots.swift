import Foundation
import GenesisEngine
import NIOSSL
import Synchronization

/// The certificate authorities https connections trust: the system's, or those of
/// `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (a directory of PEM files) in their place,
/// as OpenSSL reads them; and `[network] ca_file` besides whichever of those applies.
struct TrustRoots: Sendable, Hashable {
    var certFile: String?
    var certDirectory: String?
    var caFile: String?

    init(network: NetworkSettings, environment: [String: String]) {
        certFile = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        certDirectory = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        caFile = network.caFile
    }

    private static let made = Mutex<[TrustRoots: Result<NIOSSLContext, TransportError>]>([:])

    /// The context for these roots; made once per process and kept (loading the system's roots
    /// is not free, and every provider asks).
    func context() throws(TransportError) -> NIOSSLContext {
        if let known = Self.made.withLock({ $0[self] }) { return try known.get() }
        let result: Result<NIOSSLContext, TransportError>
        do {
            result = .success(try NIOSSLContext(configuration: try configuration()))
        } catch let error as TransportError {
            result = .failure(error)
        } catch {
            result = .failure(.trust("cannot set up TLS with these certificate authorities (\(describe)): \(error)"))
        }
        Self.made.withLock { $0[self] = result }
        return try result.get()
    }

    private var describe: String {
        [certFile.map { "SSL_CERT_FILE=\($0)" }, certDirectory.map { "SSL_CERT_DIR=\($0)" }, caFile.map { "[network] ca_file=\($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    func configuration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        var roots: [NIOSSLCertificate] = []
        if let certFile { roots += try Self.certificates(in: certFile, named: "SSL_CERT_FILE") }
        if let certDirectory {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: certDirectory)) ?? []
            guard FileManager.default.fileExists(atPath: certDirectory) else {
                throw TransportError.trust("SSL_CERT_DIR=\(certDirectory) is not a directory; unset it or point it at a directory of PEM files")
            }
            for file in files.sorted() {
                // Anything in it that is not a PEM certificate (an index, a CRL) is passed over, as OpenSSL does.
                roots += (try? NIOSSLCertificate.fromPEMFile(certDirectory + "/" + file)) ?? []
            }
        }
        if certFile != nil || certDirectory != nil { configuration.trustRoots = .certificates(roots) }
        if let caFile { configuration.additionalTrustRoots = [.certificates(try Self.certificates(in: caFile, named: "[network] ca_file"))] }
        return configuration
    }

    static func certificates(in file: String, named name: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(file)
        } catch {
            throw TransportError.trust("\(name)=\(file) cannot be read as PEM certificates (\(error)); check the path")
        }
        guard !certificates.isEmpty else { throw TransportError.trust("\(name)=\(file) holds no PEM certificate") }
        return certificates
    }
}
