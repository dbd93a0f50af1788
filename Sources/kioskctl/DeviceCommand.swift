import ArgumentParser
import Foundation
import KioskControl

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Test or reset one device.", subcommands: [Test.self, Reset.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask a device to check itself; exit 1 if it is not usable.")
        @OptionGroup var kiosk: KioskQuery
        @Argument(help: "The device id (see `kioskctl devices`).") var id: String
        func run() throws { try kiosk.perform(ControlRequest(command: .deviceTest, device: id)) }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reset or reconnect a device.")
        @OptionGroup var kiosk: KioskQuery
        @Argument(help: "The device id (see `kioskctl devices`).") var id: String
        func run() throws { try kiosk.perform(ControlRequest(command: .deviceReset, device: id)) }
    }
}
