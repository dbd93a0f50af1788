import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// The `kiosk-platform` binary built next to this test bundle.
func platformBinary() throws -> URL {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    let candidates = [here, here.deletingLastPathComponent()].map { $0.appendingPathComponent("kiosk-platform") }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        Issue.record("kiosk-platform is not built next to \(here.path); run swift build first")
        throw CancellationError()
    }
    return found
}

/// A child process whose first stdout line and exit status the test awaits without blocking a
/// thread of the cooperative pool.
///
/// Its stdout goes to a file that is polled, not to a pipe with a `readabilityHandler`: on Linux
/// that handler is a dispatch source on the pipe's descriptor, and a descriptor closed under a live
/// source (the test ending before the child closes its end) crashes libdispatch's event loop for
/// the whole test process.
final class Child: Sendable {
    let process: Process
    let exit: AsyncStream<Int32>
    let stdoutURL: URL
    let stderrURL: URL

    init(_ executable: URL, _ arguments: [String], stderr: URL) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderr)
        let stdoutURL = stderr.deletingPathExtension().appendingPathExtension("stdout")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        let (exit, exitSink) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { process in
            exitSink.yield(process.terminationStatus)
            exitSink.finish()
        }
        try process.run()
        self.process = process
        self.exit = exit
        self.stdoutURL = stdoutURL
        self.stderrURL = stderr
    }

    /// The first complete line on stdout, or nil once the child exited without one (30 s at most).
    func firstLine() async -> String? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            if let newline = text.firstIndex(of: "\n") { return String(text[..<newline]) }
            if !process.isRunning {
                let final = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
                return final.firstIndex(of: "\n").map { String(final[..<$0]) }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func status() async -> Int32? {
        for await status in exit { return status }
        return nil
    }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
}

@Suite("The kiosk-platform executable")
struct ExecutableTests {
    func writeToken(_ token: String, to url: URL, mode: Int) throws {
        try Data((token + "\n").utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    @Test("prints its listening line with the real port, serves, and stops cleanly on SIGTERM")
    func listensAndStops() async throws {
        let folder = try makeTemporaryFolder("exe")
        defer { try? FileManager.default.removeItem(at: folder) }
        let kioskToken = folder.appendingPathComponent("kiosk.token")
        let adminToken = folder.appendingPathComponent("admin.token")
        try writeToken("secret-kiosk", to: kioskToken, mode: 0o600)
        try writeToken("secret-admin", to: adminToken, mode: 0o400)
        let child = try Child(try platformBinary(), [
            "serve", "--listen", "127.0.0.1:0", "--data", folder.appendingPathComponent("data").path,
            "--kiosk", "kiosk-1=\(kioskToken.path)", "--admin-token-file", adminToken.path,
            "--seed-demo", repositoryRoot.appendingPathComponent("Kiosk/demo").path, "--salt", "demo-salt-not-for-production",
            "--log-level", "warning",
        ], stderr: folder.appendingPathComponent("stderr"))
        // Whatever fails below, the server does not outlive the test.
        defer { if child.process.isRunning { child.process.terminate() } }

        let line = try #require(await child.firstLine(), "no listening line; stderr: \(child.stderr)")
        let prefix = "listening on http://127.0.0.1:"
        #expect(line.hasPrefix(prefix))
        let port = try #require(Int(line.dropFirst(prefix.count)))
        #expect(port > 0)

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/kiosks/kiosk-1/pickups")
        request.headers.add(name: "Authorization", value: "Bearer secret-kiosk")
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        try await client.shutdown()
        #expect(response.status.code == 200)
        #expect(String(buffer: body).contains("P-2026-000101"))

        child.process.terminate()
        #expect(await child.status() == 0)
    }

    @Test("refuses a token file readable by others, with exit status 2 and a plain message")
    func refusesReadableTokenFile() async throws {
        let folder = try makeTemporaryFolder("exe")
        defer { try? FileManager.default.removeItem(at: folder) }
        let kioskToken = folder.appendingPathComponent("kiosk.token")
        let adminToken = folder.appendingPathComponent("admin.token")
        try writeToken("secret-kiosk", to: kioskToken, mode: 0o644)
        try writeToken("secret-admin", to: adminToken, mode: 0o600)
        let child = try Child(try platformBinary(), [
            "serve", "--listen", "127.0.0.1:0", "--data", folder.appendingPathComponent("data").path,
            "--kiosk", "kiosk-1=\(kioskToken.path)", "--admin-token-file", adminToken.path,
        ], stderr: folder.appendingPathComponent("stderr"))
        #expect(await child.firstLine() == nil)
        #expect(await child.status() == 2)
        #expect(child.stderr.contains("token file \(kioskToken.path) is readable by others (mode 644)"))
    }

    @Test("bad arguments exit with status 2")
    func badArguments() async throws {
        let folder = try makeTemporaryFolder("exe")
        defer { try? FileManager.default.removeItem(at: folder) }
        let child = try Child(try platformBinary(), ["serve", "--listen", "nowhere"],
                              stderr: folder.appendingPathComponent("stderr"))
        #expect(await child.status() == 2)
        #expect(!child.stderr.isEmpty)
    }
}
