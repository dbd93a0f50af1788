import Foundation
import WireFormat

/// One supported device model, from its file in `Devices/` (see `Devices/README.md`).
public struct CatalogEntry: Sendable, Equatable, Codable {
    /// Which driver runs a model: the name a driver module's ``DeviceDriverFactory`` answers to.
    /// Open like ``DeviceCategory``: each driver module declares its own name
    /// (`extension CatalogEntry.Driver { public static let cups = Driver("cups") }`).
    public struct Driver: OpenWord {
        public let rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        /// The simulated devices of DeviceKit, for the demo and tests.
        public static let sim = Driver("sim")
    }

    /// How to find the device on USB.
    public struct USBIdentity: Sendable, Equatable, Codable {
        public var vendor: UInt16
        public var product: UInt16
        /// The interface to claim, when the device has several.
        public var interface: Int?

        public init(vendor: UInt16, product: UInt16, interface: Int? = nil) {
            self.vendor = vendor
            self.product = product
            self.interface = interface
        }
    }

    public struct SerialSettings: Sendable, Equatable, Codable {
        public var baud: Int
        public init(baud: Int) { self.baud = baud }
    }

    /// A model-specific setting for its driver, e.g. a read latency or a protocol variant.
    public enum Quirk: Sendable, Equatable, Codable, CustomStringConvertible {
        case text(String)
        case number(Double)
        case flag(Bool)

        public var text: String? { if case .text(let value) = self { value } else { nil } }
        public var number: Double? { if case .number(let value) = self { value } else { nil } }
        public var flag: Bool? { if case .flag(let value) = self { value } else { nil } }

        public var description: String {
            switch self {
            case .text(let value): value
            case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
            case .flag(let value): String(value)
            }
        }
    }

    /// Equals the file name without `.yaml`.
    public var model: String
    /// What an operator reads, e.g. "Honeywell Xenon 1900 area-imaging scanner".
    public var name: String
    public var category: DeviceCategory
    public var driver: Driver
    public var usb: USBIdentity?
    public var serial: SerialSettings?
    public var quirks: [String: Quirk]
    public var notes: String?
    /// Where the entry came from, e.g. `Devices/sim-printer.yaml`, for messages.
    public var source: String

    public init(model: String, name: String, category: DeviceCategory, driver: Driver, usb: USBIdentity? = nil,
                serial: SerialSettings? = nil, quirks: [String: Quirk] = [:], notes: String? = nil, source: String = "") {
        self.model = model
        self.name = name
        self.category = category
        self.driver = driver
        self.usb = usb
        self.serial = serial
        self.quirks = quirks
        self.notes = notes
        self.source = source
    }
}

/// The device models a kiosk knows, read from `Devices/`: one YAML file per model (DESIGN.md
/// decision 4: customisation is data). Loading checks every file and reports every problem as
/// `file:line: field: problem`; a catalog with a problem is not used at all.
public struct DeviceCatalog: Sendable, Equatable {
    /// Sorted by model.
    public let entries: [CatalogEntry]

    public init(entries: [CatalogEntry]) {
        self.entries = entries.sorted { $0.model < $1.model }
    }

    /// The entry for a model name, e.g. `sim-printer`.
    public func model(_ name: String) -> CatalogEntry? {
        entries.first { $0.model == name }
    }
}
