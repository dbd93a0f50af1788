/// Where a driver reports its events. DeviceManager hands one to every device it starts.
public struct DeviceEventSink: Sendable {
    private let deliver: @Sendable (DeviceEvent) -> Void
    public let deviceID: String
    public let role: DeviceRole

    public init(deviceID: String, role: DeviceRole, deliver: @escaping @Sendable (DeviceEvent) -> Void) {
        self.deviceID = deviceID
        self.role = role
        self.deliver = deliver
    }

    public func data(_ event: DeviceDataEvent) { deliver(DeviceEvent(deviceID: deviceID, role: role, body: .data(event))) }
    public func status(_ health: DeviceHealth) {
        deliver(DeviceEvent(deviceID: deviceID, role: role, body: .status(DeviceStatusEvent(health: health))))
    }
}

/// What every driver offers, whatever its category (after UnifiedPOS: open/claim/release, a health
/// check, and status reported as events).
public protocol Device: AnyObject, Sendable {
    var id: String { get }
    /// Given by the category's protocol (``Printer``, ``CodeScanner``…), so a driver cannot claim
    /// one category and implement another.
    var category: DeviceCategory { get }
    /// The catalog model, e.g. `sim-printer` or `cvr-100u`.
    var model: String { get }
    var driver: String { get }

    /// Opens and claims the device; from now on events go to `sink`. Throws if the device cannot be
    /// opened at all; DeviceManager retries with backoff.
    func start(sink: DeviceEventSink) async throws
    /// Releases the device. Must be safe to call twice.
    func stop() async
    /// The health as last known to the driver.
    func currentHealth() async -> DeviceHealth
    /// Exercises the device without a citizen (e.g. a status query); reports the result as health.
    func selfTest() async -> DeviceHealth
    /// Resets or reconnects the device.
    func reset() async throws
    /// Media, supplies and every reported condition, as the driver last saw them, for operators;
    /// nil when the device has none to tell. Must not block or wait for the device: `kioskctl
    /// devices` asks it of every device at once, a wedged one included.
    func currentDetails() -> DeviceDetails?
}

extension Device {
    /// Most devices have nothing to say beyond their health.
    public func currentDetails() -> DeviceDetails? { nil }
}

public protocol IdentityReader: Device {}

extension IdentityReader {
    public var category: DeviceCategory { .identityReader }
}

public protocol CodeScanner: Device {}

extension CodeScanner {
    public var category: DeviceCategory { .codeScanner }
}

public protocol DocumentScanner: Device {
    /// Scans what is on the glass or in the feeder.
    func scan() async throws(DeviceError) -> [ScannedPage]
}

extension DocumentScanner {
    public var category: DeviceCategory { .documentScanner }
}

public protocol Printer: Device {
    /// Prints and waits for the job to reach its end state.
    func print(_ job: PrintJob) async -> PrintOutcome
}

extension Printer {
    public var category: DeviceCategory { .printer }
}
