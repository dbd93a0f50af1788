import ArgumentParser
import Foundation
import KioskDaemon

/// `kioskd udev-rules`: prints the udev rules for the device catalog, for
/// `/usr/lib/udev/rules.d/70-kiosk.rules` (`make install` writes them there).
struct UdevRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev-rules",
        abstract: "Print udev rules that let kioskd (group kiosk) open the catalog's USB devices.",
        discussion: """
        One rule per USB model in the catalog, sorted by model. Install the output as \
        /usr/lib/udev/rules.d/70-kiosk.rules (make install does), then run: udevadm control --reload. \
        Exits 2 after listing the catalog's problems when it has any.
        """)

    @Option(name: .long, help: ArgumentHelp(
        "The device catalog folder (default: Devices here, else the installed catalog).", valueName: "dir"))
    var catalog: String?

    func run() throws {
        let folder = catalog ?? Self.defaultCatalog()
        do {
            print(try UdevRules.generate(catalogDirectory: URL(fileURLWithPath: folder)), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            FileHandle.standardError.write(Data("\(folder): \(error.problems.count) problem(s)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// `Devices` in the working directory (a checkout), else where `make install` puts the catalog.
    static func defaultCatalog() -> String {
        let candidates = ["Devices", "/usr/share/kiosk/Devices", "/usr/local/share/kiosk/Devices"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[1]
    }
}
