import Foundation
import YAMLData

extension DeviceCatalog {
    static let fields: Set<String> = ["model", "name", "category", "driver", "usb", "serial", "quirks", "notes"]
    static let usbFields: Set<String> = ["vendor", "product", "interface"]
    static let serialFields: Set<String> = ["baud"]

    /// Reads every `*.yaml` file in `directory` (other files, such as `README.md` or udev rules, are
    /// left alone). Messages name files as `FOLDER/FILE.yaml`, e.g. `Devices/sim-printer.yaml:3:
    /// category: "scanner" is not one of: …`, with the folder's own name. Categories and drivers are
    /// those of `drivers`, the driver families the program links in.
    public static func load(directory: URL, drivers: DeviceDrivers) throws(ConfigProblems) -> DeviceCatalog {
        let folder = directory.standardizedFileURL.lastPathComponent
        var log = ProblemLog()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }
                .sorted()
        } catch {
            log.add(ConfigProblem(file: folder, line: 0, field: "", message: "cannot read the device catalog folder \(directory.path)"))
            try log.throwIfAny()
            return DeviceCatalog(entries: [])
        }

        var entries: [CatalogEntry] = []
        var defined: [String: String] = [:]
        for name in names {
            let shown = "\(folder)/\(name)"
            let file = DataFile(contentsOf: directory.appendingPathComponent(name), displayPath: shown)
            let stem = (name as NSString).deletingPathExtension
            if let entry = parse(file, stem: stem, drivers: drivers, defined: &defined), file.problems.isEmpty {
                entries.append(entry)
            }
            log.add(contentsOf: file.problems)
        }
        try log.throwIfAny()
        return DeviceCatalog(entries: entries)
    }

    /// Parses one model file, recording its problems in `file`. `defined` maps each model already
    /// seen to where it was defined.
    static func parse(_ file: DataFile, stem: String, drivers: DeviceDrivers, defined: inout [String: String]) -> CatalogEntry? {
        guard let root = file.root, root.entries() != nil else { return nil }
        root.rejectUnknownKeys(fields)

        var model: String?
        if let node = root.required("model"), let value = node.nonEmptyString() {
            if value != stem {
                node.problem("must equal the file name \"\(stem)\", not \"\(value)\"")
            } else if let earlier = defined[value] {
                node.problem("\"\(value)\" is already defined in \(earlier)")
            } else {
                defined[value] = "\(file.path):\(node.line)"
                model = value
            }
        }
        let name = root.required("name")?.nonEmptyString()
        let category = root.required("category")?.oneOf(drivers.families.categories)
        let driverNode = root.required("driver")
        let driver = driverNode?.oneOf(drivers.available)
        let usbNode = root.optional("usb")
        let usb = usbNode.flatMap(parseUSB)
        let serialNode = root.optional("serial")
        let serial = serialNode.flatMap(parseSerial)
        let quirks = root.optional("quirks").map(parseQuirks) ?? [:]
        let notes = root.optional("notes")?.string()

        if let driverNode, let driver {
            let runs = drivers.categories(of: driver)
            if let category, !runs.contains(category) {
                driverNode.problem("\"\(driver.rawValue)\" runs \(runs.map(\.rawValue).joined(separator: ", ")) devices, not \(category.rawValue)")
            }
            if let missing = drivers.catalogSections(of: driver).problem(driver: driver, hasUSB: usbNode != nil, hasSerial: serialNode != nil) {
                driverNode.problem(missing)
            }
        }

        guard let model, let name, let category, let driver else { return nil }
        return CatalogEntry(model: model, name: name, category: category, driver: driver, usb: usb,
                            serial: serial, quirks: quirks, notes: notes, source: file.path)
    }

    private static func parseUSB(_ node: DataNode) -> CatalogEntry.USBIdentity? {
        guard node.entries() != nil else { return nil }
        node.rejectUnknownKeys(usbFields)
        let vendor = node.required("vendor")?.int(in: 0...0xFFFF)
        let product = node.required("product")?.int(in: 0...0xFFFF)
        let interfaceNode = node.optional("interface")
        let interface = interfaceNode?.int(in: 0...255)
        guard let vendor, let product, interfaceNode == nil || interface != nil else { return nil }
        return CatalogEntry.USBIdentity(vendor: UInt16(vendor), product: UInt16(product), interface: interface)
    }

    private static func parseSerial(_ node: DataNode) -> CatalogEntry.SerialSettings? {
        guard node.entries() != nil else { return nil }
        node.rejectUnknownKeys(serialFields)
        guard let baudNode = node.required("baud"), let baud = baudNode.int() else { return nil }
        // The rates termios sets, so a model the catalog accepts can be opened.
        guard SerialPort.isSupported(baud: baud) else {
            baudNode.problem("\(baud) is not a standard rate (one of: \(SerialPort.supportedBauds.map(String.init).joined(separator: ", ")))")
            return nil
        }
        return CatalogEntry.SerialSettings(baud: baud)
    }

    private static func parseQuirks(_ node: DataNode) -> [String: CatalogEntry.Quirk] {
        guard let items = node.entries() else { return [:] }
        var quirks: [String: CatalogEntry.Quirk] = [:]
        for (key, value) in items {
            guard let text = value.string() else { continue }
            quirks[key] = quirk(text)
        }
        return quirks
    }

    /// YAML's plain scalars: `true`/`false`, numbers (also `0x…`), anything else is text.
    static func quirk(_ text: String) -> CatalogEntry.Quirk {
        switch text {
        case "true": return .flag(true)
        case "false": return .flag(false)
        default: break
        }
        if let value = Int(text) { return .number(Double(value)) }
        if text.hasPrefix("0x"), let value = Int(text.dropFirst(2), radix: 16) { return .number(Double(value)) }
        if let value = Double(text), value.isFinite { return .number(value) }
        return .text(text)
    }
}
