import Application
import DeviceKit
import Flows
import Foundation
import KioskControl
import RemoteWindow
import ScreenModel
import TouchInput
import YAMLData

/// `/etc/kiosk/kiosk.yaml`: which kiosk this is, where its data lives, which devices it has. Every
/// key is documented in `docs/configuration.md`. Relative paths are taken from the file's folder.
public struct KioskConfiguration: Sendable {
    public struct DeviceEntry: Sendable, Equatable {
        public var id: String
        public var model: String
        public var role: DeviceRole
        /// Where this kiosk's unit is found (`connection:`): a serial path, a reader name, a queue.
        public var connection = DeviceConnection()
        /// Where the entry is in the file, for problems found when it is checked against the catalog.
        public var line: Int
    }

    public var kioskID: String
    /// The `Kiosk/` folder: flows, locales, services.
    public var contentDirectory: URL
    /// The `Devices/` folder: the device catalog.
    public var catalogDirectory: URL
    /// The SQLite database file.
    public var databasePath: String
    /// The control socket; nil means the default search (see ``ControlSocket``).
    public var socketPath: String?
    public var language: Language
    public var idleSeconds: Int
    public var countdownSeconds: Int
    public var columns: Int
    public var rows: Int
    /// Salt for holder keys; the same value the platform uses for this kiosk's pickup manifest.
    public var holderKeySalt: String
    public var devices: [DeviceEntry]
    /// The link a receipt's QR code carries, `{code}` replaced by the tracking number; without it the
    /// QR code carries the tracking number alone.
    public var receiptResultURL: String?
    /// Pickups and results to load at start, for the demo.
    public var demoPickups: URL?
    /// The group whose members may use the control socket.
    public var operatorGroup = "kiosk-operators"
    /// Where to serve Prometheus metrics over HTTP, if anywhere (loopback only).
    public var metricsListen: (host: String, port: Int)?
    /// The platform the outbox uploads to and the pickup manifest comes from.
    public var platform = PlatformConfiguration()
    /// Sealing of personal data at rest.
    public var sealing = SealingConfiguration()
    /// The remote window's listener for hall operators; nil: none.
    public var remote: RemoteWindowConfiguration?
    /// How paths in problems are written.
    public var displayPath: String

    static let fields: Set<String> = ["kiosk", "content", "catalog", "state", "socket", "language", "session",
                                      "screen", "holder-key-salt", "devices", "demo", "control", "metrics", "receipts",
                                      "platform", "sealing", "remote"]

    /// Reads and checks a configuration file. Problems name the file, line and field.
    public static func load(path: String) throws(ConfigProblems) -> KioskConfiguration {
        let url = URL(fileURLWithPath: path)
        let file = DataFile(contentsOf: url, displayPath: path)
        let base = url.deletingLastPathComponent()
        func resolve(_ text: String) -> URL {
            text.hasPrefix("/") ? URL(fileURLWithPath: text) : base.appendingPathComponent(text).standardizedFileURL
        }
        var configuration = KioskConfiguration(
            kioskID: "", contentDirectory: base, catalogDirectory: base.appendingPathComponent("../Devices").standardizedFileURL,
            databasePath: "/var/lib/kiosk/kiosk.sqlite", socketPath: nil, language: .zhHans, idleSeconds: 60,
            countdownSeconds: 10, columns: 80, rows: 24, holderKeySalt: "", devices: [], demoPickups: nil, displayPath: path)
        guard let root = file.root else { throw ConfigProblems(file.problems) }
        root.rejectUnknownKeys(fields)
        if let kiosk = root.required("kiosk") {
            kiosk.rejectUnknownKeys(["id"])
            if let idNode = kiosk.required("id"), let id = idNode.nonEmptyString() {
                if id.count > 32 || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                    idNode.problem("use up to 32 letters, digits and dashes")
                }
                configuration.kioskID = id
            }
        }
        if let text = root.optional("content")?.nonEmptyString() { configuration.contentDirectory = resolve(text) }
        if let text = root.optional("catalog")?.nonEmptyString() { configuration.catalogDirectory = resolve(text) }
        if let text = root.optional("state")?.nonEmptyString() { configuration.databasePath = resolve(text).path }
        if let text = root.optional("socket")?.nonEmptyString() { configuration.socketPath = resolve(text).path }
        if let language = root.optional("language")?.oneOf(Language.self) { configuration.language = language }
        if let session = root.optional("session") {
            session.rejectUnknownKeys(["idle-seconds", "countdown-seconds"])
            if let value = session.optional("idle-seconds")?.int(in: 10...3600) { configuration.idleSeconds = value }
            if let value = session.optional("countdown-seconds")?.int(in: 3...120) { configuration.countdownSeconds = value }
        }
        if let screen = root.optional("screen") {
            screen.rejectUnknownKeys(["columns", "rows"])
            if let value = screen.optional("columns")?.int(in: 80...400) { configuration.columns = value }
            if let value = screen.optional("rows")?.int(in: 24...200) { configuration.rows = value }
        }
        if let saltNode = root.required("holder-key-salt"), let salt = saltNode.nonEmptyString() {
            if salt.count < 16 { saltNode.problem("use at least 16 characters") }
            configuration.holderKeySalt = salt
        }
        if let list = root.required("devices")?.list() {
            var seen = Set<String>()
            for item in list {
                item.rejectUnknownKeys(["id", "model", "role", "connection"])
                guard let idNode = item.required("id"), let id = idNode.nonEmptyString(),
                      let model = item.required("model")?.nonEmptyString(),
                      let role = item.required("role")?.oneOf(DeviceDrivers.kiosk.families.roles) else { continue }
                if !seen.insert(id).inserted { idNode.problem("another device already has the id \"\(id)\"") }
                var entry = DeviceEntry(id: id, model: model, role: role, line: item.line)
                if let connection = item.optional("connection"), let settings = connection.entries() {
                    for (key, value) in settings {
                        if let text = value.nonEmptyString() { entry.connection.settings[key] = text }
                    }
                }
                configuration.devices.append(entry)
            }
        }
        if let control = root.optional("control") {
            control.rejectUnknownKeys(["group"])
            if let group = control.optional("group")?.nonEmptyString() { configuration.operatorGroup = group }
        }
        if let metrics = root.optional("metrics") {
            metrics.rejectUnknownKeys(["listen"])
            if let node = metrics.optional("listen"), let text = node.nonEmptyString() {
                // Metrics are for the local monitoring agent: loopback only.
                do { configuration.metricsListen = try MetricsHTTPServer.parseListen(text) } catch {
                    node.problem(error.description)
                }
            }
        }
        if let platform = root.optional("platform") { configuration.platform.read(platform, resolve: resolve) }
        if let sealing = root.optional("sealing") { configuration.sealing.read(sealing, resolve: resolve) }
        if let remote = root.optional("remote") { configuration.remote = RemoteWindowConfiguration.read(remote, resolve: resolve) }
        if let receipts = root.optional("receipts") {
            receipts.rejectUnknownKeys(["result-url"])
            if let node = receipts.optional("result-url"), let text = node.nonEmptyString() {
                if text.contains("{code}"), let url = URL(string: text.replacingOccurrences(of: "{code}", with: "X")),
                   url.scheme == "https" || url.scheme == "http", url.host != nil {
                    configuration.receiptResultURL = text
                } else {
                    node.problem("use an http(s) link with {code} where the tracking number goes, e.g. https://zwfw.example.gov.cn/r/{code}")
                }
            }
        }
        if let demo = root.optional("demo") {
            demo.rejectUnknownKeys(["pickups"])
            if let text = demo.optional("pickups")?.nonEmptyString() { configuration.demoPickups = resolve(text) }
        }
        var log = ProblemLog()
        log.add(contentsOf: file.problems)
        try log.throwIfAny()
        return configuration
    }

    public var sessionSettings: SessionSettings {
        SessionSettings(defaultLanguage: language, idleSeconds: idleSeconds, countdownSeconds: countdownSeconds,
                        kioskID: kioskID)
    }

    /// What the session loop needs of this configuration.
    public var runtimeSettings: RuntimeSettings {
        RuntimeSettings(kioskID: kioskID, contentDirectory: contentDirectory,
                        contentDisplayDirectory: CheckedConfiguration.display(contentDirectory),
                        roles: DeviceDrivers.kiosk.families.roles, columns: columns, rows: rows, session: sessionSettings,
                        holderKeySalt: holderKeySalt, receiptResultURL: receiptResultURL)
    }
}

/// A configuration with everything it names loaded and cross-checked: the content, the catalog and
/// the devices' models. `kioskd check-config` and start-up both go through here, so they report the
/// same problems.
public struct CheckedConfiguration: Sendable {
    public var configuration: KioskConfiguration
    public var content: KioskContent
    public var catalog: DeviceCatalog

    public static func load(path: String) throws(ConfigProblems) -> CheckedConfiguration {
        var log = ProblemLog()
        let configuration: KioskConfiguration
        do { configuration = try KioskConfiguration.load(path: path) } catch { throw error }
        var content: KioskContent?
        do {
            content = try KioskContent.load(from: configuration.contentDirectory,
                                            displayDirectory: display(configuration.contentDirectory),
                                            roles: DeviceDrivers.kiosk.families.roles)
        } catch { log.add(contentsOf: error.problems) }
        var catalog: DeviceCatalog?
        do { catalog = try DeviceCatalog.load(directory: configuration.catalogDirectory, drivers: .kiosk) } catch {
            log.add(contentsOf: error.problems)
        }
        if let catalog {
            for (index, device) in configuration.devices.enumerated() {
                let field = "devices.\(index).model"
                guard let entry = catalog.model(device.model) else {
                    log.add(ConfigProblem(file: path, line: device.line, field: field,
                                          message: "no model \"\(device.model)\" in the device catalog \(display(configuration.catalogDirectory))"))
                    continue
                }
                if entry.category != DeviceDrivers.kiosk.families.category(of: device.role) {
                    log.add(ConfigProblem(file: path, line: device.line, field: field,
                                          message: "\"\(device.model)\" is a \(entry.category.rawValue), not usable as \(device.role.rawValue)"))
                }
                // Building a device opens nothing, so this checks the connection settings too.
                do throws(DeviceError) {
                    _ = try DeviceDrivers.kiosk.makeDevice(for: entry, id: device.id, connection: device.connection)
                } catch {
                    let problemField = error.code == .driverUnavailable ? field : "devices.\(index).connection"
                    log.add(ConfigProblem(file: path, line: device.line, field: problemField, message: error.detail))
                }
            }
        }
        if let remote = configuration.remote {
            // The remote window's operators are checked with the rest, so check-config reports them.
            do { _ = try OperatorDirectory.load(path: remote.operatorsFile) } catch { log.add(contentsOf: error.problems) }
        }
        // The console's touch calibration lives beside kiosk.yaml; kioskctl console reads it.
        let calibration = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(TouchCalibration.fileName)
        if FileManager.default.fileExists(atPath: calibration.path),
           case .failure(let problems) = TouchCalibration.load(from: calibration) {
            log.add(contentsOf: problems.problems)
        }
        try log.throwIfAny()
        guard let content, let catalog else { throw ConfigProblems(log.problems) }
        return CheckedConfiguration(configuration: configuration, content: content, catalog: catalog)
    }

    /// A path as short as it can be written: relative to the working directory when inside it.
    static func display(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}
