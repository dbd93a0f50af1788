import ArgumentParser
import DeviceKit
import Foundation
import KioskDaemon
import TerminalUI

@main
struct Kioskctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kioskctl",
        abstract: "Operate a running kioskd: its status, its screen, and in a demo its simulated devices.",
        discussion: """
        kioskctl finds kioskd's control socket by itself: --socket, else $KIOSK_SOCKET, else the first of \
        /run/kiosk/kioskd.sock, $XDG_RUNTIME_DIR/kiosk/kioskd.sock, /tmp/kiosk-UID/kioskd.sock that exists.
        Exit codes: 0 done; 1 kioskd refused or failed the request (the reason is printed); 2 wrong \
        usage, or `config check` found problems; 3 kioskd cannot be reached.
        Shell completions: kioskctl --generate-completion-script bash|zsh|fish.
        """,
        version: KioskVersion.current,
        subcommands: [Status.self, Devices.self, DeviceCommand.self, PrinterCommand.self, Pause.self, Resume.self, Reload.self,
                      QueueCommand.self, RemoteCommand.self, ConfigCommand.self, Metrics.self, Version.self, Console.self, Sim.self])

    /// As ArgumentParser's, except that wrong usage exits 2 (as documented above), not 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

struct Connection: ParsableArguments {
    @Option(name: .long, help: "kioskd's control socket.")
    var socket: String?

    var path: String { ControlSocket.pathToConnect(explicit: socket) }

    func connect() throws -> ControlClient {
        do { return try ControlClient(path: path) } catch {
            FileHandle.standardError.write(Data("kioskctl: \(error)\n".utf8))
            throw ExitCode(3)
        }
    }

    /// Sends a request; a refusal is printed and becomes exit code 1.
    func send(_ request: ControlRequest) throws -> ControlResponse {
        let response = try connect().request(request)
        if !response.ok {
            FileHandle.standardError.write(Data("kioskctl: \(response.error ?? "kioskd refused the request")\n".utf8))
            throw ExitCode.failure
        }
        return response
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the kiosk is doing, its devices' health and its queue. Never shows personal data.")

    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        guard let status = try connection.send(ControlRequest(command: "status")).status else { throw ExitCode.failure }
        if json {
            print(try prettyJSON(status))
            return
        }
        print(StatusTable.render(status))
    }
}

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the devices: health, what to do about it, counters (cards read, pages printed…), and paper and supplies.")

    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let devices = try connection.send(ControlRequest(command: "devices")).devices ?? []
        if json {
            print(try prettyJSON(devices))
            return
        }
        let header = ["ID", "CATEGORY", "DRIVER", "MODEL", "STATE", "REASON", "ACTION", "READ", "SCANNED", "PRINTED", "FAILED", "RESTARTS",
                      "PAPER AND SUPPLIES"]
        let rows = devices.map { device in
            [device.id, device.category.rawValue, device.driver, device.model, device.health.state.rawValue,
             device.health.reason?.rawValue ?? "-", device.health.action.rawValue, "\(device.counters.cardsRead)",
             "\(device.counters.codesScanned + device.counters.pagesScanned)", "\(device.counters.pagesPrinted)",
             "\(device.counters.jobsFailed + device.counters.readFailures)", "\(device.counters.restarts)",
             device.details?.summary ?? "-"]
        }
        print(table(header, rows))
    }
}

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Test or reset one device.", subcommands: [Test.self, Reset.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask a device to check itself; exit 1 if it is not usable.")
        @OptionGroup var connection: Connection
        @Argument(help: "The device id (see `kioskctl devices`).") var id: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws { try report(try connection.send(ControlRequest(command: "device-test", device: id)), json: json) }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reset or reconnect a device.")
        @OptionGroup var connection: Connection
        @Argument(help: "The device id (see `kioskctl devices`).") var id: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws { try report(try connection.send(ControlRequest(command: "device-reset", device: id)), json: json) }
    }
}

struct PrinterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "printer", abstract: "Print a test page, or a citizen's certificate again.", subcommands: [Test.self, Reprint.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a test page (kiosk id, time, QR code) and wait for it; exit 1 if it did not come out.")
        @OptionGroup var connection: Connection
        @Argument(help: "The printer's device id (default: the receipt printer).") var device: String?
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws { try report(try connection.send(ControlRequest(command: "printer-test", device: device)), json: json) }
    }

    struct Reprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a pickup's certificate again on the certificate printer, e.g. after a failed job; its digest is checked first.")
        @OptionGroup var connection: Connection
        @Argument(help: "The pickup id (see the operator alert or `kioskctl queue list`).") var pickup: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws { try report(try connection.send(ControlRequest(command: "printer-reprint", id: pickup)), json: json) }
    }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take the kiosk out of service: it finishes the current citizen, then shows 暂停服务 / Temporarily out of service.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false
    func run() throws { try report(try connection.send(ControlRequest(command: "pause")), json: json) }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put the kiosk back in service.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false
    func run() throws { try report(try connection.send(ControlRequest(command: "resume")), json: json) }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload flows, texts and services (as SIGHUP does); a citizen being served keeps the old ones until done.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false
    func run() throws { try report(try connection.send(ControlRequest(command: "reload")), json: json) }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration and everything it names; exit 2 listing every problem as FILE:LINE: FIELD: PROBLEM.")
        @Argument(help: "The configuration file.") var file = "/etc/kiosk/kiosk.yaml"
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() throws {
            let checked: CheckedConfiguration
            do { checked = try CheckedConfiguration.load(path: file) } catch {
                if json {
                    print(try prettyJSON(error.problems.map { ["file": $0.file, "line": "\($0.line)", "field": $0.field, "problem": $0.message] }))
                } else {
                    FileHandle.standardError.write(Data("\(error)\n\(file): \(error.problems.count) problem(s)\n".utf8))
                }
                throw ExitCode(2)
            }
            if json {
                print(try prettyJSON(["file": file, "ok": "true", "flows": "\(checked.content.flows.count)",
                                      "devices": "\(checked.configuration.devices.count)"]))
            } else {
                print("\(file): OK (\(checked.content.flows.count) flows, \(checked.content.services.count) services, \(checked.configuration.devices.count) devices)")
            }
        }
    }
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the kiosk's Prometheus metrics (text exposition format).")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print the answer as JSON, the text in its `metrics` field.") var json = false
    func run() throws {
        let response = try connection.send(ControlRequest(command: "metrics"))
        if json { print(try prettyJSON(response)) } else { print(response.metrics ?? "", terminator: "") }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show kioskctl's version and the running kioskd's.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false

    func run() throws {
        let daemon = (try? ControlClient(path: connection.path).request(ControlRequest(command: "status")))?.status?.version
        if json {
            print(try prettyJSON(["kioskctl": KioskVersion.current, "kioskd": daemon ?? "unreachable"]))
        } else {
            print("kioskctl \(KioskVersion.current)")
            print("kioskd   \(daemon ?? "not reachable at \(connection.path)")")
        }
    }
}

/// Prints what kioskd answered: its message, or the whole answer as JSON.
func report(_ response: ControlResponse, json: Bool) throws {
    if json {
        print(try prettyJSON(response))
    } else if let message = response.message {
        print(message)
    }
}

func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Columns padded to their widest cell.
func table(_ header: [String], _ rows: [[String]]) -> String {
    // Cells can hold what devices and the platform said: no escape sequence reaches the terminal.
    let rows = rows.map { $0.map { Sanitizer.clean($0) } }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    return ([header] + rows).map { row in
        zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

enum StatusTable {
    static func render(_ status: KioskStatus) -> String {
        var lines = [
            "kiosk     \(status.kioskID)  (kioskd \(status.version), up \(status.uptimeSeconds)s)",
            "state     \(status.state)  flow \(status.flow)  step \(status.step)  language \(status.language)",
            "platform  \(PlatformText.describe(status.platform))",
            "visits    \(status.visits) finished since start",
            "outbox    pending \(status.outbox.pending)  in-flight \(status.outbox.inFlight)  retry \(status.outbox.retry)  dead \(status.outbox.dead)  delivered \(status.outbox.delivered)"
                + (status.outbox.oldestPendingAgeSeconds.map { String(format: "  oldest %.0fs", $0) } ?? ""),
            "",
        ]
        let header = ["DEVICE", "ROLE", "MODEL", "DRIVER", "STATE", "REASON", "ACTION"]
        let rows = status.devices.map { device in
            [device.id, device.role.rawValue, device.model, device.driver, device.health.state.rawValue,
             device.health.reason?.rawValue ?? "-", device.health.action.rawValue]
        }
        lines.append(table(header, rows))
        if !status.alerts.isEmpty {
            lines.append("")
            lines.append(table(["ALERT", "SUBJECT", "SINCE", "WHAT TO DO"], status.alerts.map { alert in
                [alert.code, alert.subject.isEmpty ? "-" : alert.subject, PlatformText.time(alert.raisedAt), alert.detail]
            }))
        }
        return lines.joined(separator: "\n")
    }
}

struct Console: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the kiosk's screen here and drive it with this keyboard. Ctrl-] leaves.",
        discussion: "This is how the kiosk's own display runs it (on tty1 under kmscon), and how an operator looks in.")

    @OptionGroup var connection: Connection

    func run() throws {
        guard TerminalViewer.isTerminal(STDIN_FILENO), TerminalViewer.isTerminal(STDOUT_FILENO) else {
            FileHandle.standardError.write(Data("kioskctl console: run this on a terminal\n".utf8))
            throw ExitCode.failure
        }
        let client = try connection.connect()
        let viewer = TerminalViewer()
        let size = viewer.size ?? (80, 24)
        try client.send(ControlRequest(command: "console", columns: size.columns, rows: size.rows))
        let terminal = RawTerminal(fileDescriptor: STDIN_FILENO)
        try terminal.enter()
        defer { terminal.restore() }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while let message = try? client.readConsoleMessage() {
                if let frame = message.frame { viewer.draw(Array(frame.utf8)) }
            }
            viewer.stop()
            done.signal()
        }
        viewer.readKeys(onKey: { try? client.send(ConsoleMessage(key: $0)) },
                        onResize: { try? client.send(ConsoleMessage(columns: $0, rows: $1)) })
        client.shutdownConnection()
        done.wait()
    }
}

struct Sim: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drive the simulated devices of a demo kiosk, to play a citizen or a fault from a script.",
        subcommands: [InsertCard.self, PlacePassport.self, RemoveCard.self, FailNextRead.self, Scan.self, Printer.self, FeedPage.self, Hang.self,
                      Enqueue.self])

    static func perform(_ connection: Connection, _ request: ControlRequest) throws {
        let response = try connection.send(request)
        if let message = response.message { print(message) }
    }

    struct InsertCard: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place an identity document on the reader (the sample resident ID card by default).")
        @OptionGroup var connection: Connection
        @Option(help: "resident-id, hkmotw-residence-permit, foreign-permanent-residence, passport or id-card.")
        var kind: String = Identity.Kind.residentID.rawValue
        @Option(help: "The document number.")
        var number: String?
        @Option(help: "The name as printed in the document's own script.")
        var name: String?
        @Option(help: "The Latin-script name, if any.")
        var latinName: String?

        func run() throws {
            guard let documentKind = Identity.Kind(rawValue: kind) else {
                throw ValidationError("unknown kind \(kind); use one of: \(Identity.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var identity: Identity? = nil
            if number != nil || name != nil || latinName != nil || documentKind != .residentID {
                let sample = SimulatedIdentities.all.first { $0.kind == documentKind } ?? SimulatedIdentities.residentID
                identity = sample
                identity?.kind = documentKind
                if let number { identity?.number = number }
                if let name { identity?.name = name }
                if let latinName { identity?.latinName = latinName }
            }
            try Sim.perform(connection, ControlRequest(command: "sim", action: "insert-card", identity: identity))
        }
    }

    struct PlacePassport: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place the specimen passport on the reader; it is read once the citizen gives its key (L898902C3, 740812, 120415).")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: "sim", action: "place-passport")) }
    }

    struct RemoveCard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the document off the reader.")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: "sim", action: "remove-card")) }
    }

    struct FailNextRead: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the reader's next read fail.")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: "sim", action: "fail-next-read")) }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Scan a code (a pickup code, a result code or URL) on the code scanner.")
        @OptionGroup var connection: Connection
        @Argument(help: "The code's text; escape sequences are passed as they are, to test hostile codes.")
        var code: String
        func run() throws { try Sim.perform(connection, ControlRequest(command: "sim", action: "scan", code: code)) }
    }

    struct Printer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a printer into a fault, or recover it.")
        @OptionGroup var connection: Connection
        @Argument(help: "paper-out, jam, offline, paper-low, recover or fail-next-job (runs out of paper half-way).")
        var command: String
        @Option(help: "certificate-printer (default) or receipt-printer.")
        var role: String = DeviceRole.certificatePrinter.rawValue

        func run() throws {
            guard Simulator.printerCommands.contains(command) else {
                throw ValidationError("unknown printer command \(command); use one of: \(Simulator.printerCommands.joined(separator: ", "))")
            }
            guard let printerRole = DeviceRole(rawValue: role), printerRole.category == .printer else {
                throw ValidationError("--role must be certificate-printer or receipt-printer")
            }
            try Sim.perform(connection, ControlRequest(command: "sim", action: "printer", printer: command, role: printerRole))
        }
    }

    struct Hang: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wedge a simulated device, or the session loop, to watch the systemd watchdog act (demo only).")
        @OptionGroup var connection: Connection
        @Argument(help: "A device id, or session-loop.") var target: String
        func run() throws { try Sim.perform(connection, ControlRequest(command: "sim", device: target, action: "hang")) }
    }

    struct Enqueue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue test items for the platform, each in its own durable transaction (chaos tests, benchmarks).")
        @OptionGroup var connection: Connection
        @Argument(help: "How many items (at most 10,000 per call).") var count: Int = 1
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws {
            let response = try connection.send(ControlRequest(command: "sim", action: "enqueue", count: count))
            try report(response, json: json)
        }
    }

    struct FeedPage: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a page on the document scanner.")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: "sim", action: "feed-page")) }
    }
}
