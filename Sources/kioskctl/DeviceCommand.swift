import ArgumentParser
import Foundation
import KioskControl

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Test or reset one device.", subcommands: [Test.self, Reset.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask a device to check itself; exit 1 if it is not usable.")
        @OptionGroup var connection: Connection
        @Argument(help: "The device id (see `kioskctl devices`).") var id: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws { try report(try connection.send(ControlRequest(command: .deviceTest, device: id)), json: json) }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reset or reconnect a device.")
        @OptionGroup var connection: Connection
        @Argument(help: "The device id (see `kioskctl devices`).") var id: String
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false
        func run() throws { try report(try connection.send(ControlRequest(command: .deviceReset, device: id)), json: json) }
    }
}
