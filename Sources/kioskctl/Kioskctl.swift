import ArgumentParser
import Foundation
import KioskControl

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
