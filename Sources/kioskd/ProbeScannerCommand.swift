import ArgumentParser
import DeviceKit
import DocumentScan
import struct Flows.CodeClassifier
import CodeScanners
import Foundation
import KioskDaemon
import Synchronization
import TerminalUI

/// `kioskd probe scanner`: an installer's check of a scanner without the daemon. A code scanner is
/// started with its driver and every code read is printed (with the kind `codes.yaml` gives it); a
/// document scanner lists SANE's devices and, with `--device`, scans pages into a folder.
struct ProbeScannerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scanner",
        abstract: "Check a scanner without kioskd: print the codes a code scanner reads, or scan pages with a document scanner.",
        discussion: """
        --driver usb-hid --model MODEL   a catalog model (Devices/); --serial or --bus/--address pick one of several units
        --driver serial --device PATH    a code scanner on a tty (--baud, --terminator)
        --driver sane [--device NAME]    lists SANE's devices; with --device scans pages into --folder
        Exits 0 when the scanner worked, 1 with the reason otherwise. Codes that are personal data (an MRZ)
        are masked unless --show-personal-data.
        """)

    enum Driver: String, ExpressibleByArgument, CaseIterable { case usbHID = "usb-hid", serial, sane }

    @Option(help: "usb-hid, serial or sane.") var driver: Driver
    @Option(help: "sane: the device (as scanimage -L names it); serial: the tty.") var device: String?
    @Option(help: "usb-hid: the catalog model, e.g. honeywell-1900.") var model: String?
    @Option(help: "The device catalog folder (default: Devices here, else the installed one).") var catalog: String?
    @Option(help: "The Kiosk folder whose codes.yaml classifies codes (default: Kiosk here, else /etc/kiosk).") var content: String?
    @Option(help: "usb-hid: the unit's USB serial number.") var serial: String?
    @Option(help: "usb-hid: the unit's bus number.") var bus: String?
    @Option(help: "usb-hid: the unit's device address.") var address: String?
    @Option(help: "serial: the line's baud rate.") var baud = 9600
    @Option(help: "serial: CR, LF, CRLF or TAB.") var terminator = "CR"
    @Option(help: "Code scanners: stop after this many codes.") var count = 1
    @Option(help: "Code scanners: give up after this many seconds.") var timeout = 30
    @Option(help: "sane: where to put the pages (default: a new folder in /tmp).") var folder: String?
    @Option(help: "sane: resolution in dpi.") var resolution = 300
    @Option(help: "sane: Color, Gray or Lineart.") var mode = "Color"
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Show codes that are personal data (an MRZ) in full.") var showPersonalData = false

    func run() async throws {
        switch driver {
        case .sane: try await probeSANE()
        case .usbHID, .serial: try await probeCodes()
        }
    }

    private func probeSANE() async throws {
        var settings = ScanSettings()
        settings.resolutionDPI = resolution
        guard let chosen = ScanSettings.Mode.allCases.first(where: { $0.rawValue.lowercased() == mode.lowercased() }) else {
            throw ValidationError("--mode must be Color, Gray or Lineart")
        }
        settings.mode = chosen
        let target = device == nil ? nil : (folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-scan-\(getpid())").path)
        let report = await ScannerProbe.run(device: device, settings: settings, folder: target)
        print(json ? try probeJSON(report) : report.text)
        if !report.succeeded { throw ExitCode.failure }
    }

    /// One code as the probe shows it.
    struct Code: Codable {
        var kind: String
        var text: String
        var bytes: Int
    }

    private func probeCodes() async throws {
        let codes = try loadCodes()
        let scanner = try makeCodeScanner()
        let (events, continuation) = AsyncStream<DeviceEvent>.makeStream()
        let sink = DeviceEventSink(deviceID: "probe", role: .codeScanner) { continuation.yield($0) }
        do { try await scanner.start(sink: sink) } catch {
            throw failure("the scanner could not be started: \(error)")
        }
        let deadline = Task {
            try? await Task.sleep(for: .seconds(timeout))
            continuation.finish()
        }
        var read: [Code] = []
        var lastHealth: DeviceHealth?
        for await event in events {
            switch event.body {
            case .status(let status):
                lastHealth = status.health
                if !json { print("health: \(status.health)") }
            case .data(.codeScanned(let bytes)):
                let code = describe(bytes, codes: codes)
                read.append(code)
                if !json { print("code \(read.count): \(code.text)  (\(code.kind), \(code.bytes) bytes)") }
            default:
                break
            }
            if read.count >= count { break }
        }
        deadline.cancel()
        await scanner.stop()
        if json {
            struct Report: Codable { var codes: [Code]; var health: DeviceHealth? }
            print(try probeJSON(Report(codes: read, health: lastHealth)))
        }
        if read.count < count { throw failure("\(read.count) of \(count) codes read in \(timeout) s") }
    }

    private func describe(_ bytes: [UInt8], codes: CodeClassifier) -> Code {
        do {
            let code = try codes.classify(bytes)
            let personal = code.kind == .mrz && !showPersonalData
            return Code(kind: code.kind.rawValue, text: personal ? "(masked: \(code.text.count) characters)" : Sanitizer.clean(code.text),
                        bytes: bytes.count)
        } catch {
            return Code(kind: "refused: \(error)", text: "", bytes: bytes.count)
        }
    }

    private func makeCodeScanner() throws -> any Device {
        let entry: CatalogEntry
        var settings: [String: String] = [:]
        switch driver {
        case .serial:
            guard let device else { throw ValidationError("--driver serial needs --device PATH") }
            entry = CatalogEntry(model: "probe-serial-scanner", name: "serial code scanner", category: .codeScanner,
                                 driver: .serial, serial: CatalogEntry.SerialSettings(baud: baud))
            settings = ["path": device, "terminator": terminator]
        default:
            guard let model else { throw ValidationError("--driver usb-hid needs --model MODEL (a file in Devices/)") }
            let folder = catalog ?? UdevRulesCommand.defaultCatalog()
            let loaded: DeviceCatalog
            do { loaded = try DeviceCatalog.load(directory: URL(fileURLWithPath: folder), drivers: .kiosk) } catch {
                throw failure("\(folder): \(error)")
            }
            guard let found = loaded.model(model), found.driver == .usbHID else {
                throw ValidationError("no usb-hid model \(model) in \(folder)")
            }
            entry = found
            if let serial { settings["serial"] = serial }
            if let bus { settings["bus"] = bus }
            if let address { settings["address"] = address }
        }
        do throws(DeviceError) {
            let factory: any DeviceDriverFactory = driver == .serial ? SerialScannerDriverFactory() : USBHIDDriverFactory()
            return try factory.makeDevice(for: entry, id: "probe", connection: DeviceConnection(settings))
        } catch {
            throw failure("\(error.detail) (what to do: \(error.action.rawValue))")
        }
    }

    private func loadCodes() throws -> CodeClassifier {
        let folder = content ?? (FileManager.default.fileExists(atPath: "Kiosk/codes.yaml") ? "Kiosk" : "/etc/kiosk")
        do { return try CodeClassifier.load(from: URL(fileURLWithPath: folder).appendingPathComponent("codes.yaml")) } catch {
            throw failure("\(folder)/codes.yaml: \(error)")
        }
    }
}

/// A one-line reason on stderr, and exit 1.
func failure(_ reason: String) -> ExitCode {
    FileHandle.standardError.write(Data("kioskd probe: \(reason)\n".utf8))
    return ExitCode.failure
}

func probeJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// `kioskd probe`: devices checked without the daemon, for installers.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Check a device without kioskd, for installers.",
        subcommands: [ProbeIdentityCommand.self, ProbeScannerCommand.self])
}
