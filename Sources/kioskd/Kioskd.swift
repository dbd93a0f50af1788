import ArgumentParser
import Foundation
import KioskControl
import KioskDaemon
import Logging
import YAMLData

@main
struct Kioskd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kioskd",
        abstract: "The self-service kiosk daemon: devices, guided flows, the local queue and the screen.",
        version: KioskVersion.current,
        subcommands: [Run.self, CheckConfig.self, UdevRulesCommand.self, OperatorTokenCommand.self, ProbeCommand.self],
        defaultSubcommand: Run.self)
}

/// Exit code when the configuration, flows or texts have problems (they are listed on stderr).
let configurationProblemExit: Int32 = 2

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the kiosk (the default).")

    @Option(name: .long, help: "The configuration file (default: Kiosk/kiosk.yaml here, else /etc/kiosk/kiosk.yaml).")
    var config: String?

    @Flag(name: .long, help: "Run with simulated devices, temporary state and the demo's pickups; on a terminal, show the kiosk there.")
    var demo = false

    @Flag(name: .long, help: "With --demo, do not draw on this terminal (attach later with `kioskctl console`).")
    var noConsole = false

    @Option(name: .long, help: "The control socket path (default: see `kioskctl --help`).")
    var socket: String?

    @Option(name: .long, help: "With --demo, keep state (database, log) in this folder instead of a temporary one that is removed at exit.")
    var state: String?

    @Option(name: .long, help: "Upload to and sync from this platform instead of the configured one (the demo's stand-in).")
    var platform: String?

    @Option(name: .long, help: "With --platform: the file with this kiosk's bearer token (mode 0600).")
    var platformTokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Serve the remote window on this loopback address (e.g. 127.0.0.1:8470) instead of the configured one.", valueName: "host:port"))
    var remoteListen: String?

    @Option(name: .long, help: ArgumentHelp("With --remote-listen: the operators file (see docs/api/remote-window.md).", valueName: "file"))
    var remoteOperators: String?

    mutating func run() async throws {
        let path = config ?? Self.defaultConfiguration()
        var checked: CheckedConfiguration
        do { checked = try CheckedConfiguration.load(path: path) } catch {
            FileHandle.standardError.write(Data("kioskd: cannot start, \(path) has problems:\n\(error)\n".utf8))
            throw ExitCode(configurationProblemExit)
        }
        if let platform {
            guard let url = URL(string: platform), url.scheme != nil, url.host != nil else {
                FileHandle.standardError.write(Data("kioskd: --platform \(platform) is not a URL like http://127.0.0.1:8480\n".utf8))
                throw ExitCode(configurationProblemExit)
            }
            checked.configuration.platform.url = url
            checked.configuration.platform.tokenFile = platformTokenFile ?? checked.configuration.platform.tokenFile
        }
        if let remoteListen {
            // From the command line only without TLS, so only on loopback (the server refuses otherwise).
            do {
                let (host, port) = try RemoteWindowConfiguration.parseListen(remoteListen)
                guard let operators = remoteOperators ?? checked.configuration.remote?.operatorsFile else {
                    throw RemoteWindowServerError.operators("--remote-listen needs --remote-operators FILE")
                }
                checked.configuration.remote = RemoteWindowConfiguration(host: host, port: port, operatorsFile: operators)
            } catch {
                FileHandle.standardError.write(Data("kioskd: --remote-listen: \(error)\n".utf8))
                throw ExitCode(configurationProblemExit)
            }
        }
        var options = KioskApp.Options()
        options.demo = demo
        options.socketPath = socket
        options.attachConsole = demo && !noConsole && TerminalViewer.isTerminal(STDIN_FILENO) && TerminalViewer.isTerminal(STDOUT_FILENO)
        var stateFolder: String?
        var removeStateAtExit = false
        if demo {
            let folder = state ?? FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-demo-\(getpid())").path
            stateFolder = folder
            removeStateAtExit = state == nil
            options.databasePath = folder + "/kiosk.sqlite"
        }
        if options.attachConsole, let stateFolder {
            // The screen is this terminal: logs go to a file instead of over the kiosk's face.
            try FileManager.default.createDirectory(atPath: stateFolder, withIntermediateDirectories: true)
            let log = stateFolder + "/kioskd.log"
            let fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0o640)
            guard fd >= 0, dup2(fd, STDERR_FILENO) >= 0 else { throw ExitCode.failure }
            close(fd)
        }
        let level = ProcessInfo.processInfo.environment["KIOSK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in KioskLogHandler(label: label, level: level) }
        let logger = Logger(label: "kioskd")
        let app: KioskApp
        do { app = try KioskApp(checked: checked, options: options, logger: logger) } catch {
            FileHandle.standardError.write(Data("kioskd: cannot start: \(error)\n".utf8))
            throw ExitCode.failure
        }
        try await app.run()
        if removeStateAtExit, let stateFolder { try? FileManager.default.removeItem(atPath: stateFolder) }
    }

    static func defaultConfiguration() -> String {
        let local = "Kiosk/kiosk.yaml"
        return FileManager.default.fileExists(atPath: local) ? local : "/etc/kiosk/kiosk.yaml"
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration and everything it names (flows, texts, services, device catalog).",
        discussion: "Exits 0 when all is well, or 2 after listing every problem as FILE:LINE: FIELD: PROBLEM.")

    @Argument(help: "The configuration file.")
    var file: String
    @Flag(name: .long, help: "Print JSON for scripts: the problems as a list of {file, line, field, problem}, or a summary.")
    var json = false

    func run() throws {
        let checked: CheckedConfiguration
        do { checked = try CheckedConfiguration.load(path: file) } catch {
            if json {
                print(try prettyJSON(error.problems.map {
                    ["file": $0.file, "line": "\($0.line)", "field": $0.field, "problem": $0.message]
                }))
            } else {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                FileHandle.standardError.write(Data("\(file): \(error.problems.count) problem(s)\n".utf8))
            }
            throw ExitCode(configurationProblemExit)
        }
        if json {
            print(try prettyJSON(["file": file, "ok": "true", "flows": "\(checked.content.flows.count)",
                                       "devices": "\(checked.configuration.devices.count)"]))
        } else {
            print("\(file): OK (\(checked.content.flows.count) flows, \(checked.content.services.count) services, \(checked.configuration.devices.count) devices)")
        }
    }
}
