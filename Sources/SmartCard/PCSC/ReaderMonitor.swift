import CPCSCLite
import Foundation
import Synchronization

/// What a ``ReaderMonitor`` saw.
public enum ReaderEvent: Sendable, Equatable {
    /// pcscd is not running (or restarted and the context is being re-established).
    case serviceUnavailable
    /// pcscd runs but has no reader whose name contains the configured text.
    case readerMissing
    /// The reader to use, found or found again.
    case readerReady(String)
    case cardInserted(reader: String, atr: [UInt8])
    case cardRemoved(reader: String)
}

/// Watches one reader through pcscd on a thread of its own: `SCardGetStatusChange` on the reader
/// and on the `\\?PnP?\Notification` pseudo-reader (reader hot-plug; the wait's timeout is the poll
/// where pcscd does not support it). Card events come from the reader's event counter as well as
/// its flags, so a card taken away and put back between two waits reports a removal and an
/// insertion. When pcscd goes away the context is dropped and re-established with backoff;
/// ``stop()`` ends a wait at once with `SCardCancel`.
public final class ReaderMonitor: Sendable {
    public let readerNameContains: String
    public let pollMilliseconds: UInt32
    private let onEvent: @Sendable (ReaderEvent) -> Void

    private struct Shared {
        var context: PCSCContext?
        var stopped = false
        var finished = false
    }

    private let shared = Mutex(Shared())

    public init(readerNameContains: String, pollMilliseconds: UInt32 = 1000, onEvent: @escaping @Sendable (ReaderEvent) -> Void) {
        self.readerNameContains = readerNameContains
        self.pollMilliseconds = pollMilliseconds
        self.onEvent = onEvent
    }

    public func start() {
        let thread = Thread { [self] in
            var loop = MonitorLoop(monitor: self)
            loop.run()
            shared.withLock { $0.finished = true }
        }
        thread.name = "pcsc-monitor"
        thread.start()
    }

    /// Ends the monitor's wait (SCardCancel) and its thread; returns once the thread has ended
    /// (or after two seconds).
    public func stop() {
        shared.withLock { shared in
            shared.stopped = true
            shared.context?.cancel()
        }
        for _ in 0..<200 where !shared.withLock({ $0.finished }) { usleep(10_000) }
    }

    var isStopped: Bool { shared.withLock { $0.stopped } }

    func setContext(_ context: PCSCContext?) -> Bool {
        shared.withLock { shared in
            guard !shared.stopped else { return false }
            shared.context = context
            return true
        }
    }

    func emit(_ event: ReaderEvent) { onEvent(event) }

    /// The card events between two looks at a reader. `previous` with no flags is the first look.
    /// The event counter catches a card taken away and put back between two looks, which leaves
    /// the flags as they were.
    public static func cardEvents(previous: PCSCContext.ReaderState, current: PCSCContext.ReaderState) -> [ReaderEvent] {
        let name = current.reader
        let wasPresent = previous.flags == 0 ? false : previous.isPresent
        let events = current.eventCount &- previous.eventCount
        switch (wasPresent, current.isPresent) {
        case (false, true):
            return [.cardInserted(reader: name, atr: current.atr)]
        case (true, false):
            return [.cardRemoved(reader: name)]
        case (true, true) where events >= 2 || current.atr != previous.atr:
            return [.cardRemoved(reader: name), .cardInserted(reader: name, atr: current.atr)]
        default:
            return []
        }
    }

    /// The first reader whose name contains the text (empty: the first reader).
    static func pick(_ readers: [String], containing text: String) -> String? {
        readers.first { text.isEmpty || $0.contains(text) }
    }
}

/// The monitor thread's own state; never shared.
private struct MonitorLoop {
    let monitor: ReaderMonitor
    var context: PCSCContext?
    var reader: PCSCContext.ReaderState?
    var plugAndPlay = PCSCContext.ReaderState(reader: PCSCContext.plugAndPlayReader)
    var plugAndPlaySupported = true
    var backoffMilliseconds: UInt32 = 100
    var lastHealth: ReaderEvent?

    init(monitor: ReaderMonitor) { self.monitor = monitor }

    mutating func run() {
        while !monitor.isStopped {
            do throws(CardError) {
                try step()
                backoffMilliseconds = 100
            } catch .timeout, .cancelled {
                continue
            } catch .serviceUnavailable {
                lost(.serviceUnavailable)
            } catch .readerUnavailable {
                lost(.readerMissing)
            } catch {
                lost(.serviceUnavailable)
            }
        }
        _ = monitor.setContext(nil)
    }

    private mutating func step() throws(CardError) {
        guard let context = try ensureContext() else { return }
        guard let current = reader else {
            let readers = try context.readers()
            guard let name = ReaderMonitor.pick(readers, containing: monitor.readerNameContains) else {
                report(.readerMissing)
                try waitForReaders(context)
                return
            }
            reader = PCSCContext.ReaderState(reader: name)
            report(.readerReady(name))
            return
        }
        var states = [current]
        if plugAndPlaySupported { states.append(plugAndPlay) }
        let changed = try context.statusChange(states, timeoutMilliseconds: monitor.pollMilliseconds)
        if plugAndPlaySupported {
            if changed[1].isUnknown { plugAndPlaySupported = false } else { plugAndPlay = changed[1] }
        }
        try observe(changed[0], previous: current)
        // Without hot-plug notifications, a timeout is the poll: check the reader is still listed.
        if !plugAndPlaySupported, reader != nil, !(try context.readers()).contains(current.reader) {
            lost(.readerMissing)
        }
    }

    private mutating func observe(_ state: PCSCContext.ReaderState, previous: PCSCContext.ReaderState) throws(CardError) {
        if state.flags & UInt32(SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE) != 0 {
            throw .readerUnavailable
        }
        for event in ReaderMonitor.cardEvents(previous: previous, current: state) { monitor.emit(event) }
        reader = state
    }

    /// Blocks until the reader list may have changed: the PnP pseudo-reader, or a poll interval.
    private mutating func waitForReaders(_ context: PCSCContext) throws(CardError) {
        if plugAndPlaySupported {
            let changed = try context.statusChange([plugAndPlay], timeoutMilliseconds: monitor.pollMilliseconds)
            if changed[0].isUnknown { plugAndPlaySupported = false } else { plugAndPlay = changed[0]; return }
        }
        usleep(monitor.pollMilliseconds * 1000)
    }

    private mutating func ensureContext() throws(CardError) -> PCSCContext? {
        if let context { return context }
        do {
            let fresh = try PCSCContext()
            guard monitor.setContext(fresh) else { return nil }
            context = fresh
            plugAndPlay = PCSCContext.ReaderState(reader: PCSCContext.plugAndPlayReader)
            return fresh
        } catch {
            report(.serviceUnavailable)
            usleep(backoffMilliseconds * 1000)
            backoffMilliseconds = min(backoffMilliseconds * 2, 2000)
            return nil
        }
    }

    /// The reader or pcscd went away: a card in it is gone too; the context is re-made if pcscd died.
    private mutating func lost(_ event: ReaderEvent) {
        if let reader, reader.isPresent { monitor.emit(.cardRemoved(reader: reader.reader)) }
        reader = nil
        if event == .serviceUnavailable || !(context?.isValid ?? false) {
            context = nil
            _ = monitor.setContext(nil)
        }
        report(event)
        if event == .readerMissing { usleep(100_000) }
    }

    /// Health events only when they change.
    private mutating func report(_ event: ReaderEvent) {
        guard event != lastHealth else { return }
        lastHealth = event
        monitor.emit(event)
    }
}
