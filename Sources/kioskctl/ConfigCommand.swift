import ArgumentParser
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Configuration tools.", subcommands: [Check.self])

    /// Runs `kioskd check-config`: the checks need every driver (a device's connection settings
    /// are checked by building it), which kioskctl does not link, and one implementation means
    /// start-up and the operator's check can never disagree.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration and everything it names; exit 2 listing every problem as FILE:LINE: FIELD: PROBLEM.",
            discussion: "Runs `kioskd check-config` (the kioskd beside kioskctl, else the first on PATH); needs no running kioskd.")
        @Argument(help: "The configuration file.") var file = "/etc/kiosk/kiosk.yaml"
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        func run() throws {
            guard let kioskd = Self.kioskdExecutable() else {
                FileHandle.standardError.write(Data("kioskctl: kioskd was found neither beside kioskctl nor on PATH; install kioskd to check a configuration\n".utf8))
                throw ExitCode.failure
            }
            let process = Process()
            process.executableURL = kioskd
            process.arguments = ["check-config"] + (json ? ["--json"] : []) + [file]
            do { try process.run() } catch {
                FileHandle.standardError.write(Data("kioskctl: cannot run \(kioskd.path): \(error)\n".utf8))
                throw ExitCode.failure
            }
            process.waitUntilExit()
            if process.terminationStatus != 0 { throw ExitCode(process.terminationStatus) }
        }

        /// The kioskd installed with this kioskctl first, so two versions side by side stay paired.
        static func kioskdExecutable() -> URL? {
            let fileManager = FileManager.default
            var candidates: [String] = []
            if let own = try? fileManager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                candidates.append(URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("kioskd").path)
            }
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            candidates += path.split(separator: ":").map { "\($0)/kioskd" }
            return candidates.first { fileManager.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }
        }
    }
}
