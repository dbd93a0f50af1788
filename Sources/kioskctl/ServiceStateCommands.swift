import ArgumentParser
import KioskControl

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take the kiosk out of service: it finishes the current citizen, then shows 暂停服务 / Temporarily out of service.")
    @OptionGroup var kiosk: KioskQuery
    func run() throws { try kiosk.perform(ControlRequest(command: .pause)) }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put the kiosk back in service.")
    @OptionGroup var kiosk: KioskQuery
    func run() throws { try kiosk.perform(ControlRequest(command: .resume)) }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload flows, texts and services (as SIGHUP does); a citizen being served keeps the old ones until done.")
    @OptionGroup var kiosk: KioskQuery
    func run() throws { try kiosk.perform(ControlRequest(command: .reload)) }
}
