import ArgumentParser
import KioskControl

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take the kiosk out of service: it finishes the current citizen, then shows 暂停服务 / Temporarily out of service.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false
    func run() throws { try report(try connection.send(ControlRequest(command: .pause)), json: json) }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put the kiosk back in service.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false
    func run() throws { try report(try connection.send(ControlRequest(command: .resume)), json: json) }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload flows, texts and services (as SIGHUP does); a citizen being served keeps the old ones until done.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false
    func run() throws { try report(try connection.send(ControlRequest(command: .reload)), json: json) }
}
