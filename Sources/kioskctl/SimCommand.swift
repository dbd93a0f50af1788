import ArgumentParser
import DeviceKit
import Foundation
import KioskControl

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
            try Sim.perform(connection, ControlRequest(command: .sim, action: .insertCard, identity: identity))
        }
    }

    struct PlacePassport: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place the specimen passport on the reader; it is read once the citizen gives its key (L898902C3, 740812, 120415).")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: .sim, action: .placePassport)) }
    }

    struct RemoveCard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the document off the reader.")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: .sim, action: .removeCard)) }
    }

    struct FailNextRead: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the reader's next read fail.")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: .sim, action: .failNextRead)) }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Scan a code (a pickup code, a result code or URL) on the code scanner.")
        @OptionGroup var connection: Connection
        @Argument(help: "The code's text; escape sequences are passed as they are, to test hostile codes.")
        var code: String
        func run() throws { try Sim.perform(connection, ControlRequest(command: .sim, action: .scan, code: code)) }
    }

    struct Printer: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a printer into a fault, or recover it.")
        @OptionGroup var connection: Connection
        @Argument(help: "paper-out, jam, offline, paper-low, recover or fail-next-job (runs out of paper half-way).")
        var command: String
        @Option(help: "certificate-printer (default) or receipt-printer.")
        var role: String = DeviceRole.certificatePrinter.rawValue

        func run() throws {
            guard let printerCommand = SimulatedPrinterCommand(rawValue: command) else {
                throw ValidationError("unknown printer command \(command); use one of: \(SimulatedPrinterCommand.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let printerRole = DeviceRole(role)
            guard DeviceFamily.printers.roles.contains(printerRole) else {
                throw ValidationError("--role must be certificate-printer or receipt-printer")
            }
            try Sim.perform(connection, ControlRequest(command: .sim, action: .printer, printer: printerCommand, role: printerRole))
        }
    }

    struct Hang: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Wedge a simulated device, or the session loop, to watch the systemd watchdog act (demo only).")
        @OptionGroup var connection: Connection
        @Argument(help: "A device id, or session-loop.") var target: String
        func run() throws { try Sim.perform(connection, ControlRequest(command: .sim, device: target, action: .hang)) }
    }

    struct Enqueue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue test items for the platform, each in its own durable transaction (chaos tests, benchmarks).")
        @OptionGroup var kiosk: KioskQuery
        @Argument(help: "How many items (at most 10,000 per call).") var count: Int = 1
        func run() throws { try kiosk.perform(ControlRequest(command: .sim, action: .enqueue, count: count)) }
    }

    struct FeedPage: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a page on the document scanner.")
        @OptionGroup var connection: Connection
        func run() throws { try Sim.perform(connection, ControlRequest(command: .sim, action: .feedPage)) }
    }
}
