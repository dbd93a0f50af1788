import ArgumentParser
import DeviceKit
import Foundation
import ResidentID
import SmartCard
import Synchronization

/// How `kioskd probe identity` reads one document with each reader family, without DeviceManager.
/// A new family is a case in ``Driver``, its options in ``Request`` and a branch in ``read(_:timeout:)``
/// (the GA 467 family: `--device PATH`, a `ResidentID` reader, and the first `.identityPresented`
/// as ``readAnnounced(from:)`` does for the simulated card).
enum IdentityProbe {
    enum Driver: String, CaseIterable, ExpressibleByArgument, Sendable {
        case pcsc, ga467, sim
    }

    struct Request: Sendable {
        var driver: Driver
        var reader: String?
        var accessKey: DocumentAccessKey?
        /// ga467: the reader's tty.
        var device: String?
        var baud = 115_200
    }

    struct Read: Sendable {
        var identity: Identity
        /// Each check the driver made and whether it passed, as the driver names them.
        var checks: [String: Bool]
    }

    static func read(_ request: Request, timeout: Duration) async throws(DeviceError) -> Read {
        let deadline = ContinuousClock.now + timeout
        // The driver gives its own answer at the deadline (no reader, no document); the timer only
        // catches a read that hangs past it.
        let outcome = await first(by: deadline + .seconds(2)) { () async -> Result<Read, DeviceError> in
            do throws(DeviceError) {
                switch request.driver {
                case .pcsc:
                    guard let key = request.accessKey else {
                        throw DeviceError(code: .badAccessKey, action: .configuration, detail: "--driver pcsc needs --mrz-key")
                    }
                    return .success(try await readPCSC(readerName: request.reader ?? "", accessKey: key, deadline: deadline))
                case .ga467:
                    guard let device = request.device else {
                        throw DeviceError(code: .missingConnection, action: .configuration, detail: "--driver ga467 needs --device PATH")
                    }
                    return .success(try await readGA467(path: device, baud: request.baud))
                case .sim:
                    return .success(try await readSimulated(accessKey: request.accessKey))
                }
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else {
            throw DeviceError(code: .timeout, action: .retry, detail: "no document read within \(timeout)")
        }
        return try outcome.get()
    }

    /// A PC/SC reader through pcscd: wait for the reader and a card on it, then read with the key.
    static func readPCSC(readerName: String, accessKey: DocumentAccessKey, deadline: ContinuousClock.Instant) async throws(DeviceError) -> Read {
        let reader = PCSCIdentityReader(id: "probe", model: "probe", readerNameContains: readerName)
        do {
            try await reader.start(sink: DeviceEventSink(deviceID: reader.id, role: .identityReader) { _ in })
        } catch {
            throw DeviceError(code: .readerOffline, action: .reset, detail: "cannot watch the PC/SC readers: \(error)")
        }
        // The reader is stopped before the answer goes back, whatever it is: the probe exits right
        // after, and its thread must not be inside libpcsclite while the process tears down.
        let document: PassportDocument
        do throws(DeviceError) {
            // The monitor reports what it finds within a moment; the document may come later.
            var health = await reader.currentHealth()
            while !(health == .online && reader.isDocumentPresent) {
                guard ContinuousClock.now + .milliseconds(100) < deadline else {
                    if health != .online {
                        throw DeviceError(code: .readerOffline, action: .reset,
                                          detail: "no PC/SC reader\(readerName.isEmpty ? "" : " named like \"\(readerName)\"") is available (\(health.reason ?? DeviceHealth.Reason(.offline)))")
                    }
                    throw DeviceError(code: .noDocument, action: .retry, detail: "no document lies on the reader")
                }
                try? await Task.sleep(for: .milliseconds(50))
                health = await reader.currentHealth()
            }
            document = try await reader.readPassport(accessKey: accessKey)
        } catch {
            await reader.stop()
            throw error
        }
        await reader.stop()
        // A failed check throws, so every one listed passed.
        return Read(identity: document.identity(), checks: Dictionary(document.checks.map { ($0, true) }, uniquingKeysWith: { $0 && $1 }))
    }

    /// A GA 467 reader on a serial line: the first card it reads (resident ID, permits, foreign
    /// permanent residence cards); a bad check character comes back as the read's failure.
    static func readGA467(path: String, baud: Int) async throws(DeviceError) -> Read {
        let reader = GA467Reader(id: "probe", settings: GA467Reader.Settings(path: path, baud: baud))
        let events = try await startListening(to: reader) { "cannot open \(path): \($0)" }
        defer { Task { await reader.stop() } }
        var read = try await readAnnounced(from: events)
        if read.identity.number.count == 18 { read.checks["id-number-check-digit"] = ResidentIDNumber.isValid(read.identity.number) }
        return read
    }

    /// The simulated reader: its specimen passport with a key, else its resident ID card.
    static func readSimulated(accessKey: DocumentAccessKey?) async throws(DeviceError) -> Read {
        let reader = SimulatedIdentityReader(id: "sim", readLatency: .milliseconds(50))
        let events = try await startListening(to: reader) { "the simulated reader did not start: \($0)" }
        defer { Task { await reader.stop() } }
        if let accessKey {
            reader.placeDocument(SimulatedIdentities.passport)
            return Read(identity: try await reader.read(accessKey: accessKey), checks: [:])
        }
        reader.insert(SimulatedIdentities.residentID)
        return try await readAnnounced(from: events)
    }

    /// Starts `reader` and returns what it reports; a start that fails is the reader being offline,
    /// told as `failure` says.
    static func startListening(to reader: any IdentityReader,
                               failure: (any Error) -> String) async throws(DeviceError) -> AsyncStream<DeviceEvent> {
        let (events, continuation) = AsyncStream.makeStream(of: DeviceEvent.self)
        do {
            try await reader.start(sink: DeviceEventSink(deviceID: reader.id, role: .identityReader) { continuation.yield($0) })
        } catch {
            throw DeviceError(code: .readerOffline, action: .reset, detail: failure(error))
        }
        return events
    }

    /// The first document a reader announces by itself (card readers: no key needed).
    static func readAnnounced(from events: AsyncStream<DeviceEvent>) async throws(DeviceError) -> Read {
        for await event in events {
            switch event.body {
            case .data(.identityPresented(let identity)): return Read(identity: identity, checks: [:])
            case .data(.identityReadFailed(let error)): throw error
            default: continue
            }
        }
        throw DeviceError(code: .readFailed, action: .retry, detail: "the reader stopped before a document was read")
    }

    /// The work's answer, or nil at the deadline. The work is not awaited past it: a blocked PC/SC
    /// call holds its own thread, and the probe exits right after.
    static func first<T: Sendable>(by deadline: ContinuousClock.Instant, _ work: @escaping @Sendable () async -> T) async -> T? {
        let once = Mutex(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let resume = { @Sendable (value: T?) in
                if once.withLock({ done in defer { done = true }; return !done }) { continuation.resume(returning: value) }
            }
            Task { resume(await work()) }
            Task {
                try? await Task.sleep(until: deadline)
                resume(nil)
            }
        }
    }
}
