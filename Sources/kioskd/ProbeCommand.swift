import ArgumentParser

/// `kioskd probe`: tries one device without the daemon, for installers at the kiosk.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Try one device without the daemon (stop kioskd first if it holds the device).",
        subcommands: [ProbeIdentityCommand.self])
}
