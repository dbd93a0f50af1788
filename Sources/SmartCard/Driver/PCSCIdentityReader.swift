import DeviceKit
import Foundation
import Synchronization

/// An identity reader for ICAO 9303 passports and ID cards on any PC/SC reader, through pcscd.
///
/// A ``ReaderMonitor`` thread watches the reader: health is online while pcscd runs and the reader
/// is there, offline with action `reset` otherwise (`pcscd-unavailable`, `reader-missing`), and it
/// recovers by itself when pcscd comes back. A document taken away reports `.identityRemoved`.
/// Reading needs the citizen's access key, so it happens in ``read(accessKey:)``, on a thread of
/// its own, with a fresh connection and Basic Access Control each time.
public final class PCSCIdentityReader: AccessKeyIdentityReader {
    public let id: String
    public let model: String
    public var driver: String { "pcsc" }
    /// Part of the reader's name as pcscd lists it; empty takes the first reader.
    public let readerNameContains: String

    private struct State {
        var sink: DeviceEventSink?
        var monitor: ReaderMonitor?
        var worker: DeviceThread?
        var health = DeviceHealth.offline(.notStarted)
        var reader: String?
        var cardPresent = false
        /// Bumped on every insertion and removal, so a read knows the card it started on is gone.
        var cardGeneration = 0
    }

    private let state = Mutex(State())
    /// The worker thread's own context, made again after pcscd restarts.
    private let workerContext = Mutex<PCSCContext?>(nil)

    public init(id: String, model: String, readerNameContains: String) {
        self.id = id
        self.model = model
        self.readerNameContains = readerNameContains
    }

    /// Whether a card lies on the reader now.
    public var isDocumentPresent: Bool { state.withLock { $0.cardPresent } }

    // MARK: Device

    public func start(sink: DeviceEventSink) async throws {
        let monitor = ReaderMonitor(readerNameContains: readerNameContains) { [weak self] event in
            self?.handle(event)
        }
        let (previous, worker) = state.withLock { state -> (ReaderMonitor?, DeviceThread) in
            let previous = state.monitor
            state.sink = sink
            state.monitor = monitor
            let worker = state.worker ?? DeviceThread(name: "pcsc-reader-\(id)")
            state.worker = worker
            return (previous, worker)
        }
        // Stopping waits for the monitor's thread: done on the reader's thread, not the caller's.
        if let previous { _ = try? await worker.runUnlessStopped { previous.stop() } }
        monitor.start()
    }

    public func stop() async {
        let (monitor, worker) = state.withLock { state -> (ReaderMonitor?, DeviceThread?) in
            defer {
                state.monitor = nil
                state.worker = nil
                state.sink = nil
                state.cardPresent = false
                state.health = .offline(.stopped)
            }
            return (state.monitor, state.worker)
        }
        if let worker {
            if let monitor { _ = try? await worker.runUnlessStopped { monitor.stop() } }
            worker.stop()
        }
        workerContext.withLock { $0 = nil }
    }

    public func currentHealth() async -> DeviceHealth { state.withLock { $0.health } }

    /// Asks pcscd for its readers on the worker thread; online if the configured one is listed.
    public func selfTest() async -> DeviceHealth {
        guard let worker = state.withLock({ $0.worker }) else { return .offline(.stopped) }
        let text = readerNameContains
        let health: DeviceHealth
        do {
            health = try await worker.runUnlessStopped { [self] () throws(CardError) -> DeviceHealth in
                let readers = try withContext { context throws(CardError) in try context.readers() }
                return ReaderMonitor.pick(readers, containing: text) == nil ? .offline(.readerMissing) : .online
            }
        } catch CardError.serviceUnavailable {
            health = .offline(.pcscdUnavailable)
        } catch {
            health = .offline(.selfTestFailed)
        }
        setHealth(health)
        return health
    }

    /// Drops the contexts and watches the reader afresh.
    public func reset() async throws {
        guard let sink = state.withLock({ $0.sink }) else { return }
        workerContext.withLock { $0 = nil }
        try await start(sink: sink)
    }

    // MARK: Reading

    public func read(accessKey: DocumentAccessKey) async throws(DeviceError) -> Identity {
        try await readPassport(accessKey: accessKey).identity()
    }

    /// Reads the document with everything the chip gave, including which checks passed (for
    /// `kioskd probe identity`). Same errors as ``read(accessKey:)``.
    public func readPassport(accessKey: DocumentAccessKey) async throws(DeviceError) -> PassportDocument {
        let (worker, reader, present, generation) = state.withLock { ($0.worker, $0.reader, $0.cardPresent, $0.cardGeneration) }
        guard let worker else {
            throw DeviceError(code: .readerOffline, action: .reset, detail: "reader \(id) is not started")
        }
        guard let reader, present else {
            throw DeviceError(code: .noDocument, action: .retry, detail: "no document on reader \(id)")
        }
        let document: PassportDocument
        do {
            document = try await worker.runUnlessStopped { [self] () throws(EMRTDError) -> PassportDocument in
                try readDocument(reader: reader, accessKey: accessKey)
            }
        } catch let error as EMRTDError {
            throw SmartCardErrors.deviceError(error, reader: id)
        } catch {
            throw SmartCardErrors.deviceError(.transport(.cancelled), reader: id)
        }
        // A card swapped during the read: what was read belongs to the card that left.
        guard state.withLock({ $0.cardGeneration == generation && $0.cardPresent }) else {
            throw SmartCardErrors.deviceError(.transport(.cardRemoved), reader: id)
        }
        return document
    }

    /// On the worker thread: connect, read, and always disconnect with a reset.
    private func readDocument(reader: String, accessKey: DocumentAccessKey) throws(EMRTDError) -> PassportDocument {
        let card: PCSCCard
        do {
            card = try withContext { context throws(CardError) in try context.connect(reader: reader) }
        } catch {
            throw .transport(error)
        }
        defer { card.disconnect(reset: true) }
        return try PassportReader(channel: CardChannel(transport: card)).read(accessKey: accessKey)
    }

    /// Runs `body` with the worker's context, making a new one once if pcscd restarted.
    private func withContext<T>(_ body: (PCSCContext) throws(CardError) -> T) throws(CardError) -> T {
        for attempt in 0..<2 {
            let context: PCSCContext
            if let existing = workerContext.withLock({ $0 }) {
                context = existing
            } else {
                context = try PCSCContext()
                workerContext.withLock { $0 = context }
            }
            do {
                return try body(context)
            } catch .serviceUnavailable where attempt == 0 {
                workerContext.withLock { $0 = nil }
            }
        }
        throw .serviceUnavailable
    }

    // MARK: Events

    private func handle(_ event: ReaderEvent) {
        switch event {
        case .serviceUnavailable:
            workerContext.withLock { $0 = nil }
            setHealth(.offline(.pcscdUnavailable))
        case .readerMissing:
            setHealth(.offline(.readerMissing))
        case .readerReady(let name):
            state.withLock { $0.reader = name }
            setHealth(.online)
        case .cardInserted:
            state.withLock { state in
                state.cardPresent = true
                state.cardGeneration += 1
            }
        case .cardRemoved:
            let sink = state.withLock { state -> DeviceEventSink? in
                let wasPresent = state.cardPresent
                state.cardPresent = false
                state.cardGeneration += 1
                return wasPresent ? state.sink : nil
            }
            sink?.data(.identityRemoved)
        }
    }

    private func setHealth(_ health: DeviceHealth) {
        let sink = state.withLock { state -> DeviceEventSink? in
            guard state.health != health else { return nil }
            state.health = health
            return state.sink
        }
        sink?.status(health)
    }
}
