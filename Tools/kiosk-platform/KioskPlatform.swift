import ArgumentParser
import Foundation
import Logging
import PlatformStandIn
import ServiceLifecycle
import UnixSignals
import YAMLData

/// `kiosk-platform`: the root command.
struct KioskPlatform: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-platform",
        abstract: "A local stand-in for the platform API the kiosk uploads to (docs/api/platform.yaml).",
        subcommands: [Serve.self])
}

/// `kiosk-platform serve`: run the stand-in until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the platform API over HTTP until SIGTERM or SIGINT.",
        discussion: """
            Prints one line, "listening on http://HOST:PORT", to stdout once it listens (with \
            --listen HOST:0 the port is the one the system picked). Token files hold one token \
            on one line and must not be readable by group or others (chmod 600).
            """)

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen = "127.0.0.1:8480"

    @Option(help: "Folder for the SQLite file and attachments; created if missing.")
    var data: String

    @Option(name: .customLong("kiosk"), help: "A kiosk and the file holding its token, ID=TOKEN_FILE (repeatable).")
    var kiosks: [String] = []

    @Option(help: "File holding the admin token for /admin.")
    var adminTokenFile: String

    @Option(help: "Seed pickups and documents from this folder's pickups.yaml (e.g. Kiosk/demo).")
    var seedDemo: String?

    @Option(help: "The holder-key salt for --seed-demo; must equal the kiosk's holder-key-salt.")
    var salt: String?

    @Option(help: "Probability (0…1) of answering a /v1 request 503.")
    var failureRate = 0.0

    @Option(help: "Probability (0…1) of closing a /v1 connection without an answer.")
    var dropRate = 0.0

    @Option(help: "Probability (0…1) of answering a /v1 request 429.")
    var throttleRate = 0.0

    @Option(help: "Retry-After seconds of a 429 answer.")
    var retryAfter = 1

    @Option(name: .customLong("latency-ms"), help: "Delay added to every /v1 answer, in milliseconds.")
    var latencyMs = 0

    @Option(help: "Seed for the fault generator, for reproducible runs.")
    var randomSeed: UInt64?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func run() async throws {
        let configuration = try makeConfiguration()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let logger = Logger(label: "kiosk-platform")
        let server: StandInServer
        do {
            server = try await StandInServer(configuration: configuration, logger: logger)
        } catch StandInError.invalidConfiguration(let text) {
            throw UsageError(text)
        }
        let group = ServiceGroup(configuration: .init(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                let port = try await server.waitUntilListening()
                FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
            }
            try await tasks.waitForAll()
        }
    }

    /// Reads and checks everything the options name; any problem is a ``UsageError``.
    func makeConfiguration() throws -> StandInConfiguration {
        let (host, port) = try Self.parseListen(listen)
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw UsageError("--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard !kiosks.isEmpty else { throw UsageError("give at least one --kiosk ID=TOKEN_FILE") }
        var tokens: [String: String] = [:]
        for entry in kiosks {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw UsageError("--kiosk \(entry): expected ID=TOKEN_FILE")
            }
            guard tokens[parts[0]] == nil else { throw UsageError("--kiosk \(parts[0]) is given twice") }
            tokens[parts[0]] = try TokenFile.read(parts[1])
        }
        var seed: DemoSeed?
        if let seedDemo {
            guard let salt, !salt.isEmpty else { throw UsageError("--seed-demo needs --salt (the kiosk's holder-key-salt)") }
            do {
                seed = try DemoSeed.load(folder: URL(fileURLWithPath: seedDemo), salt: salt)
            } catch {
                throw UsageError(error.description)
            }
        }
        let faults = Faults(failureRate: failureRate, dropRate: dropRate, throttleRate: throttleRate,
                            retryAfterSeconds: retryAfter, latencyMilliseconds: latencyMs)
        let configuration = StandInConfiguration(
            host: host, port: port, dataDirectory: URL(fileURLWithPath: data, isDirectory: true),
            kioskTokens: tokens, adminToken: try TokenFile.read(adminTokenFile), faults: faults,
            randomSeed: randomSeed, seed: seed, logLevel: level)
        do {
            try configuration.validate()
        } catch {
            throw UsageError(error.description)
        }
        return configuration
    }

    /// `HOST:PORT` or `[IPV6]:PORT`.
    static func parseListen(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw UsageError("--listen \(text): expected HOST:PORT with a port from 0 to 65535")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw UsageError("--listen \(text): the host is missing") }
        return (host, port)
    }
}
