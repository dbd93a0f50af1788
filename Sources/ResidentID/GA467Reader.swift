import DeviceKit
import Foundation
import Synchronization

/// A GA 467 resident-ID reader (its SAM) on a serial line: reads resident ID cards, residence permits
/// for Hong Kong, Macau and Taiwan residents and foreign permanent resident ID cards.
///
/// A thread of its own polls the SAM — find card, then select and read when a new card is there —
/// because every serial call blocks (DESIGN.md decision 2). It reports `.identityPresented` once per
/// card, `.identityRemoved` when that card leaves, and `.identityReadFailed` with the typed error when
/// a card could not be read (after `readAttempts` tries, or when it was lifted during the read) or its
/// ID number's check character is wrong. Health follows the SAM's status and the line: an unplugged
/// adapter or a vanished tty is `offline` with action `reset`, and the path is opened again with
/// backoff until it is back. Events come from that one thread, in order.
public final class GA467Reader: IdentityReader {
    public struct Settings: Sendable, Equatable {
        public var path: String
        public var baud: Int
        public var wltDecoderPath: String?
        /// How often to look for a card.
        public var pollInterval: Duration
        /// How long the SAM may work on a command, on top of the line time.
        public var answerTimeout: Duration
        /// Tries at reading one card before reporting the failure.
        public var readAttempts: Int
        /// Waits between attempts to open a missing line.
        public var reopenBackoff: RestartBackoff

        public init(path: String, baud: Int = 115_200, wltDecoderPath: String? = nil,
                    pollInterval: Duration = .milliseconds(150), answerTimeout: Duration = .seconds(2),
                    readAttempts: Int = 3,
                    reopenBackoff: RestartBackoff = RestartBackoff(initial: .milliseconds(200), maximum: .seconds(5))) {
            self.path = path
            self.baud = baud
            self.wltDecoderPath = wltDecoderPath
            self.pollInterval = pollInterval
            self.answerTimeout = answerTimeout
            self.readAttempts = max(1, readAttempts)
            self.reopenBackoff = reopenBackoff
        }
    }

    public let id: String
    public let model: String
    public var driver: String { "ga467" }
    public let settings: Settings

    private struct State {
        var decoder: WLTDecoder?
        var decoderProblem: DeviceError?
    }

    private let state = Mutex(State())
    private let lineThread: SerialLineThread

    public init(id: String, model: String = "cvr-100u", settings: Settings) {
        self.id = id
        self.model = model
        self.settings = settings
        lineThread = SerialLineThread(path: settings.path, baud: settings.baud, reopenBackoff: settings.reopenBackoff,
                                      name: "ga467 \(id)")
    }

    // MARK: Device

    public func start(sink: DeviceEventSink) async throws {
        await lineThread.start(sink: sink, prepare: loadDecoder) { [self] line in
            var poller = CardPoller(line: line, readAttempts: settings.readAttempts)
            line.keepOpen { port, failures in serve(port, line, &poller, &failures) }
        }
    }

    public func stop() async { await lineThread.stop() }

    public func currentHealth() async -> DeviceHealth { lineThread.health }

    /// Asks the SAM for its status (11 FF) and reports the health that follows.
    public func selfTest() async -> DeviceHealth { await lineThread.nextHealthCheck() }

    /// Closes and reopens the line and resets the SAM (10 FF); a card on the reader is read again.
    public func reset() async throws {
        guard lineThread.requestReopen() else {
            throw DeviceError(code: .notStarted, action: .reset, detail: "reader \(id) is not started")
        }
    }

    /// The card photo as a BMP, through the configured vendor decoder. Throws
    /// `wlt-decoder-unavailable` (configuration) when none is configured or it did not load.
    public func decodePhoto(_ photo: Identity.Photo) throws(DeviceError) -> [UInt8] {
        let (decoder, problem) = state.withLock { ($0.decoder, $0.decoderProblem) }
        guard let decoder else {
            throw problem ?? DeviceError(code: .wltDecoderUnavailable, action: .configuration,
                                         detail: "reader \(id) has no connection.wlt-decoder")
        }
        return try decoder.decode(Array(photo.bytes))
    }

    /// Loads the configured vendor decoder for a new start; a problem is kept for ``decodePhoto(_:)``.
    private func loadDecoder() {
        var decoder: WLTDecoder?
        var problem: DeviceError?
        if let path = settings.wltDecoderPath {
            do { decoder = try WLTDecoder(path: path) } catch { problem = error }
        }
        state.withLock { state in
            state.decoder = decoder
            state.decoderProblem = problem
        }
    }

    // MARK: The reader's thread

    /// Errors that mean the line itself is gone or must be reopened.
    private static let lineErrors: Set<DeviceErrorCode> = [.serialDisconnected, .serialIOFailed, .serialClosed, .resetRequested]

    /// One open line: resets the SAM if asked to, checks it, then polls for cards until the line is
    /// lost, a reset is asked for or the reader stops.
    private func serve(_ port: SerialPort, _ line: SerialLineThread.Run, _ poller: inout CardPoller, _ failures: inout Int) {
        var link = GA467Link(port: port, answerTimeout: settings.answerTimeout)
        do throws(DeviceError) {
            if line.takeReopenRequest() {
                _ = try link.transact(.reset)
                poller.forget()
            }
            try checkSAM(&link, line)
            failures = 0
            while line.isCurrent {
                try serveSelfTests(&link, line)
                if line.reopenRequested {
                    throw DeviceError(code: .resetRequested, action: .reset, detail: "reset")
                }
                try poller.poll(&link)
                line.pause(settings.pollInterval)
            }
        } catch where Self.lineErrors.contains(error.code) {
            failures += error.code == .resetRequested ? 0 : 1
            poller.lineLost()
            if error.code != .resetRequested { line.setHealth(.offline(.disconnected)) }
        } catch {
            // The SAM stopped answering although the line is there: treat it as a line to reopen.
            failures += 1
            poller.lineLost()
            line.setHealth(DeviceHealth(state: .offline, reason: error.code, action: error.action))
        }
    }

    private func checkSAM(_ link: inout GA467Link, _ line: SerialLineThread.Run) throws(DeviceError) {
        let answer = try link.transact(.samStatus)
        if answer.status == .success {
            line.setHealth(.online)
        } else {
            let error = answer.status?.error ?? GA467Status.unknownStatusError(answer.sw3)
            line.setHealth(DeviceHealth(state: .hardwareError, reason: error.code, action: error.action))
        }
    }

    private func serveSelfTests(_ link: inout GA467Link, _ line: SerialLineThread.Run) throws(DeviceError) {
        guard line.healthCheckWaiting else { return }
        try checkSAM(&link, line)
        line.answerHealthChecks()
    }
}
