import ArgumentParser
import Foundation
import KioskControl

struct PrinterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "printer", abstract: "Print a test page, or a citizen's certificate again.", subcommands: [Test.self, Reprint.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a test page (kiosk id, time, QR code) and wait for it; exit 1 if it did not come out.")
        @OptionGroup var kiosk: KioskQuery
        @Argument(help: "The printer's device id (default: the receipt printer).") var device: String?
        func run() throws { try kiosk.perform(ControlRequest(command: .printerTest, device: device)) }
    }

    struct Reprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a pickup's certificate again on the certificate printer, e.g. after a failed job; its digest is checked first.")
        @OptionGroup var kiosk: KioskQuery
        @Argument(help: "The pickup id (see the operator alert or `kioskctl queue list`).") var pickup: String
        func run() throws { try kiosk.perform(ControlRequest(command: .printerReprint, id: pickup)) }
    }
}
