import Flows
import Foundation

/// The drivers' part of the report (issues 3 and 5), each measured by its module's benchmark.
enum DriversBench {
    static func report(repository: String, command: String) throws -> String {
        let machine = Machine.current()
        var report = "\n## Drivers (issues 3 and 5)\n\n`\(command)` on `\(machine.uname)`, \(machine.cpu), \(machine.cores) cores\n\n"
        progress("drivers: ICAO 9303 read and APDU round trips")
        report += "### Identity: ICAO 9303 (BAC + DG1), and APDU round trips through pcscd + vpcd beside pyscard\n\n"
        report += SmartCardBench.run().markdown() + "\n\n"
        progress("drivers: GA 467 read against the emulator at 115200 baud")
        report += "### Identity: GA 467 read against the emulator at 115200 baud\n\n"
        do { report += try ResidentIDBench.run().markdown() + "\n\n" } catch {
            report += "not run: \(error)\n\n"
        }
        progress("drivers: code scanned to flow event")
        let codes = try CodeClassifier.load(from: URL(fileURLWithPath: repository).appendingPathComponent("Kiosk/codes.yaml"))
        let scanner = ScannerBench(classifier: codes)
        let result = runAwaiting { await scanner.run() }
        report += "### Code scanned to flow event\n\n" + result.markdown() + "\n"
        return report
    }
}
