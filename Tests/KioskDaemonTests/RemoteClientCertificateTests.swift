import Foundation
import KioskControl
import KioskDaemon
import Logging
import RemoteWindow
import Testing

/// Operators of a hall may attach with a client certificate from the hall's CA instead of a token:
/// its common name is their name in the operators file. Over real TLS sockets, with certificates
/// made by openssl (`make deps` installs it; the test fails without it).
@Suite struct RemoteClientCertificateTests {
    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A CA, the kiosk's certificate for `localhost` and a client certificate for `name`, all signed
    /// by `ca` (made here when it is nil).
    static func issue(in folder: String, prefix: String, name: String) throws {
        let key = { (file: String) in ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(folder)/\(file)"] }
        try openssl(["req", "-x509", "-days", "2", "-subj", "/CN=\(prefix) hall CA"] + key("\(prefix)-ca.key") + ["-out", "\(folder)/\(prefix)-ca.pem"])
        try openssl(["req", "-new", "-subj", "/CN=\(name)"] + key("\(prefix)-client.key") + ["-out", "\(folder)/\(prefix)-client.csr"])
        try openssl(["x509", "-req", "-days", "2", "-in", "\(folder)/\(prefix)-client.csr", "-CA", "\(folder)/\(prefix)-ca.pem",
                     "-CAkey", "\(folder)/\(prefix)-ca.key", "-CAcreateserial", "-out", "\(folder)/\(prefix)-client.pem"])
    }

    @Test(.timeLimit(.minutes(2))) func aCertificateFromTheHallsCANamesTheOperatorOthersAreRefused() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is missing: run make deps")
        let folder = try temporaryFolder("remote-mtls").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.issue(in: folder, prefix: "hall", name: "Olga")
        try Self.issue(in: folder, prefix: "rogue", name: "Olga")
        // The kiosk's own certificate for localhost, self-signed; the client trusts exactly it.
        try Self.openssl(["req", "-x509", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                          "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                          "-keyout", "\(folder)/kiosk.key", "-out", "\(folder)/kiosk.pem"])

        let kiosk = try await RunningKiosk.start()
        let directory = try OperatorDirectory.parse("operators:\n  - name: Olga\n    role: observer\n", path: "operators.yaml")
        let (bound, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "remote-mtls")
        logger.logLevel = .critical
        let server = try RemoteWindowServer(
            configuration: RemoteWindowConfiguration(host: "127.0.0.1", port: 0, operatorsFile: "", tlsCertificate: "\(folder)/kiosk.pem",
                                                     tlsKey: "\(folder)/kiosk.key", clientCA: "\(folder)/hall-ca.pem"),
            directory: directory, runtime: kiosk.app.runtime, logger: logger, onBound: { continuation.yield($0) })
        let task = Task { try await server.run() }
        defer { task.cancel() }
        var ports = bound.makeAsyncIterator()
        let port = try #require(await ports.next())
        let url = try RemoteWindowURL("wss://localhost:\(port)")

        // The hall's certificate for Olga: attached as Olga, with her role, no token needed.
        let tls = RemoteWindowClient.TLSOptions(caFile: "\(folder)/kiosk.pem", certificateFile: "\(folder)/hall-client.pem",
                                                keyFile: "\(folder)/hall-client.key")
        let status = try await RemoteWindowClient.session(url, token: nil, tls: tls) { messages, sender in
            try await sender.send(.commonStatus)
            for try await envelope in messages where envelope.header.type == .completion {
                return envelope.payload?["operator"]?.objectValue?["role"]?.stringValue
            }
            return nil
        }
        #expect(status == "observer")

        // Another CA's certificate with the same name: the handshake fails; no certificate and no
        // token: refused in the upgrade.
        let rogue = RemoteWindowClient.TLSOptions(caFile: "\(folder)/kiosk.pem", certificateFile: "\(folder)/rogue-client.pem",
                                                  keyFile: "\(folder)/rogue-client.key")
        await #expect(throws: (any Error).self) {
            try await RemoteWindowClient.session(url, token: nil, tls: rogue) { messages, _ in
                for try await _ in messages {}
            }
        }
        await #expect(throws: RemoteClientError.refused) {
            try await RemoteWindowClient.session(url, token: nil, tls: RemoteWindowClient.TLSOptions(caFile: "\(folder)/kiosk.pem")) { messages, _ in
                for try await _ in messages {}
            }
        }
        task.cancel()
        _ = try? await task.value
        await kiosk.stop()
    }
}
