/// Builds the simulated driver for a catalog entry whose driver is `sim`, so that the daemon makes
/// the demo's devices from configuration like any others.
///
/// Timing comes from the entry's quirks, in milliseconds: `read-latency-ms` (identity reader),
/// `scan-latency-ms` (code and document scanners) and `job-time-ms` (printer). Without them the
/// drivers' defaults apply.
public struct SimulatedDeviceFactory: Sendable {
    public init() {}

    public static func makeDevice(for entry: CatalogEntry, id: String) throws(DeviceError) -> any Device {
        guard entry.driver == .sim else {
            throw DeviceError(code: .driverUnavailable, action: .configuration,
                              detail: "model \(entry.model) uses driver \(entry.driver.rawValue), not a simulated one")
        }
        switch entry.category {
        case .identityReader:
            return SimulatedIdentityReader(
                id: id, model: entry.model,
                readLatency: try milliseconds("read-latency-ms", in: entry) ?? .milliseconds(300))
        case .codeScanner:
            return SimulatedCodeScanner(
                id: id, model: entry.model,
                latency: try milliseconds("scan-latency-ms", in: entry) ?? .milliseconds(50))
        case .documentScanner:
            return SimulatedDocumentScanner(
                id: id, model: entry.model,
                latency: try milliseconds("scan-latency-ms", in: entry) ?? .milliseconds(800))
        case .printer:
            return SimulatedPrinter(
                id: id, model: entry.model,
                jobTime: try milliseconds("job-time-ms", in: entry) ?? .milliseconds(1500))
        default:
            // Another family's module brings its own simulated driver for its category.
            throw DeviceError(code: .driverCategoryMismatch, action: .configuration,
                              detail: "model \(entry.model) is a \(entry.category.rawValue); DeviceKit simulates only \(DeviceFamilies.builtIn.categories.map(\.rawValue).joined(separator: ", "))")
        }
    }

    private static func milliseconds(_ key: String, in entry: CatalogEntry) throws(DeviceError) -> Duration? {
        guard let quirk = entry.quirks[key] else { return nil }
        guard let value = quirk.number, value >= 0, value <= 600_000 else {
            throw DeviceError(code: .badQuirk, action: .configuration,
                              detail: "\(entry.source): quirks.\(key) must be milliseconds from 0 to 600000, not \(quirk)")
        }
        return .milliseconds(value)
    }
}
