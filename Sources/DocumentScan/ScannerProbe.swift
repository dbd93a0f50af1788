import DeviceKit
import Foundation
import ScannedDocuments

/// What `kioskd probe scanner --driver sane` does without the daemon: list the devices SANE finds
/// and, given a device, scan its pages into a folder as PNG files and one PDF.
public enum ScannerProbe {
    /// The probe's answer, printed as text or JSON.
    public struct Report: Sendable, Equatable, Codable {
        public struct Page: Sendable, Equatable, Codable {
            public var file: String
            public var widthPixels: Int
            public var heightPixels: Int
            public var bytes: Int
        }

        public struct Failure: Sendable, Equatable, Codable {
            public var code: DeviceErrorCode
            public var action: RecommendedAction
            public var detail: String
        }

        public var devices: [SANEDeviceInfo]
        /// The device scanned, if one was named.
        public var device: String?
        public var settings: ScanSettings?
        public var pages: [Page]
        public var pdf: String?
        public var health: DeviceHealth?
        public var error: Failure?

        /// True when everything asked for worked.
        public var succeeded: Bool { error == nil }

        /// The report as lines for a terminal (`--json` prints the Codable form instead). Device
        /// names and models come from backends: control characters are shown as `?`.
        public var text: String {
            var lines: [String] = []
            if devices.isEmpty { lines.append("no SANE devices found") }
            for device in devices {
                lines.append("device \(Self.plain(device.name)): \(Self.plain(device.vendor)) \(Self.plain(device.model)) (\(Self.plain(device.type)))")
            }
            if let device, let settings {
                lines.append("scanned \(Self.plain(device)) at \(settings.resolutionDPI) dpi, \(settings.mode.rawValue), \(settings.source.rawValue)")
            }
            for page in pages {
                lines.append("page \(page.file): \(page.widthPixels)×\(page.heightPixels) pixels, \(page.bytes) bytes")
            }
            if let pdf { lines.append("pdf \(pdf)") }
            if let health { lines.append("health \(health)") }
            if let error { lines.append("error \(error.code): \(Self.plain(error.detail)) (action: \(error.action.rawValue))") }
            return lines.joined(separator: "\n")
        }

        private static func plain(_ text: String) -> String {
            String(String.UnicodeScalarView(text.unicodeScalars.map {
                $0.value < 0x20 || (0x7f...0x9f).contains($0.value) ? "?" : $0
            }))
        }
    }

    /// Lists devices; with `device`, scans it with `settings` into `folder` (`page-001.png`, …,
    /// `document.pdf`). Failures are reported in the report, not thrown.
    public static func run(device: String? = nil, settings: ScanSettings = ScanSettings(), folder: String? = nil,
                           runtime: SANERuntime = .shared) async -> Report {
        var report = Report(devices: [], device: device, settings: device == nil ? nil : settings, pages: [])
        do throws(DeviceError) {
            report.devices = try await runtime.devices()
            guard let device else { return report }
            guard let folder else {
                throw DeviceError(code: .missingFolder, action: .configuration, detail: "a scan needs a folder for its files")
            }
            let scanner = SANEDocumentScanner(id: "probe", deviceName: device, settings: settings, runtime: runtime)
            do {
                try await scanner.start(sink: DeviceEventSink(deviceID: "probe", role: .documentScanner) { _ in })
            } catch {
                throw (error as? DeviceError) ?? DeviceError(code: .scannerError, action: .reset, detail: "\(error)")
            }
            let scanned = await Self.scan(scanner, settings: settings)
            report.health = await scanner.currentHealth()
            await scanner.stop()
            let raw = try scanned.get()
            var pages: [ScannedPage] = []
            for (index, page) in raw.enumerated() {
                let scanned = try PNGEncoder.scannedPage(page)
                let name = String(format: "page-%03d.png", index + 1)
                try write(scanned.data, to: folder, name: name)
                pages.append(scanned)
                report.pages.append(Report.Page(file: (folder as NSString).appendingPathComponent(name),
                                                widthPixels: page.width, heightPixels: page.height, bytes: scanned.data.count))
            }
            let document = try ScannedDocument(pages: pages)
            try write(document.pdf, to: folder, name: "document.pdf")
            report.pdf = (folder as NSString).appendingPathComponent("document.pdf")
        } catch {
            report.error = Report.Failure(code: error.code, action: error.action, detail: error.detail)
        }
        return report
    }

    private static func write(_ data: Data, to folder: String, name: String) throws(DeviceError) {
        let path = (folder as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw DeviceError(code: .notWritable, action: .configuration, detail: "cannot write \(path): \(error.localizedDescription)")
        }
    }

    private static func scan(_ scanner: SANEDocumentScanner, settings: ScanSettings) async -> Result<[RawPage], DeviceError> {
        do throws(DeviceError) {
            return .success(try await scanner.scanRaw(settings: settings, progress: { _ in }))
        } catch {
            return .failure(error)
        }
    }
}
