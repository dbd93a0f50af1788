/// A code scanner without hardware: ``scan(_:)`` hands it the bytes a QR code or barcode would
/// produce, and `.codeScanned` follows after ``latency``, as from a HID POS scanner. While unplugged it
/// reports offline with action `reset` and codes shown to it are lost.
public final class SimulatedCodeScanner: CodeScanner, SimulatedDevice {
    public let id: String
    public let model: String
    public var driver: String { "sim" }
    /// From showing a code to `.codeScanned`.
    public let latency: Duration

    private struct State: SimulatedState {
        var link: SimulatedLink

        var health: DeviceHealth { link.connected ? .online : .offline(.disconnected) }
    }

    private let state: SimulatedStateLock<State>
    public var simulation: SimulatedDeviceCore { SimulatedDeviceCore(state) }
    private let timing: SimulatedTiming

    public init(id: String, model: String = "sim-code-scanner", latency: Duration = .milliseconds(50)) {
        self.id = id
        self.model = model
        self.latency = latency
        state = SimulatedStateLock(State(link: SimulatedLink(name: "simulated scanner \(id)")))
        timing = SimulatedTiming(label: id)
    }

    /// Shows a code to the scanner. Returns false when nothing will be reported: the scanner is
    /// unplugged or not started.
    @discardableResult
    public func scan(_ bytes: [UInt8]) -> Bool {
        let generation = state.withLock { state -> Int? in
            state.link.liveSink != nil ? state.link.generation : nil
        }
        guard let generation else { return false }
        timing.after(latency) { [self] in
            state.withLock { state in
                guard state.link.generation == generation, let sink = state.link.liveSink else { return }
                sink.data(.codeScanned(bytes))
            }
        }
        return true
    }

    /// Shows a text code (UTF-8), e.g. a pickup code.
    @discardableResult
    public func scan(text: String) -> Bool { scan(Array(text.utf8)) }

}
