import Foundation

/// A document scanner without hardware: ``feed(pages:)`` lays pages in its feeder and ``scan()``
/// returns them after ``latency``, as a SANE flatbed or feeder scanner does. An empty feeder gives
/// the `no-documents` error with action `retry`; while unplugged it reports offline with action
/// `reset`.
public final class SimulatedDocumentScanner: DocumentScanner, SimulatedDevice {
    public let id: String
    public let model: String
    public var driver: String { "sim" }
    /// How long one scan takes, whatever the number of pages.
    public let latency: Duration

    private struct State: SimulatedState {
        var link: SimulatedLink
        var feeder: [ScannedPage] = []
        var scanning = false

        var health: DeviceHealth {
            guard link.connected else { return .offline(.disconnected) }
            return scanning ? DeviceHealth(state: .busy) : .online
        }
    }

    private let state: SimulatedStateLock<State>
    public var simulation: SimulatedDeviceCore { SimulatedDeviceCore(state) }
    private let timing: SimulatedTiming

    public init(id: String, model: String = "sim-document-scanner", latency: Duration = .milliseconds(800)) {
        self.id = id
        self.model = model
        self.latency = latency
        state = SimulatedStateLock(State(link: SimulatedLink(name: "simulated scanner \(id)")))
        timing = SimulatedTiming(label: id)
    }

    /// Lays pages in the feeder (or on the glass); the next ``scan()`` takes them all.
    public func feed(pages: [ScannedPage]) {
        state.withLock { $0.feeder.append(contentsOf: pages) }
    }

    /// How many pages wait in the feeder.
    public var pagesWaiting: Int { state.withLock { $0.feeder.count } }


    public func scan() async throws(DeviceError) -> [ScannedPage] {
        let pages = try state.withLock { state throws(DeviceError) -> [ScannedPage] in
            guard state.link.sink != nil else {
                throw DeviceError(code: .notStarted, action: .reset, detail: "simulated scanner \(id) is not started")
            }
            guard state.link.connected else { throw state.link.unplugged }
            guard !state.scanning else {
                throw DeviceError(code: .busy, action: .retry, detail: "simulated scanner \(id) is already scanning")
            }
            guard !state.feeder.isEmpty else {
                throw DeviceError(code: .noDocuments, action: .retry, detail: "nothing on the glass or in the feeder")
            }
            let pages = state.feeder
            state.feeder = []
            state.scanning = true
            state.report()
            return pages
        }
        let result = await timing.wait(latency) { [self] () -> Result<[ScannedPage], DeviceError> in
            state.withLock { state in
                state.scanning = false
                defer { state.report() }
                guard state.link.liveSink != nil else {
                    // The paper is still there: put it back for the next try.
                    state.feeder.insert(contentsOf: pages, at: 0)
                    return .failure(state.link.unplugged)
                }
                return .success(pages)
            }
        }
        return try result.get()
    }

    /// A small grey page (binary PGM) with a pattern that differs by `number`, for the demo and tests.
    public static func samplePage(number: Int = 1, width: Int = 64, height: Int = 48) -> ScannedPage {
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + width * height)
        for y in 0..<height {
            for x in 0..<width {
                bytes.append(UInt8(truncatingIfNeeded: (x + y) * 4 + number * 37))
            }
        }
        return ScannedPage(format: "image/x-portable-graymap", data: Data(bytes), widthPixels: width, heightPixels: height)
    }
}
