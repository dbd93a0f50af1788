#if canImport(Glibc)
import Glibc
#endif
import DeviceKit
import Foundation
import ResidentID
import Synchronization

/// The project's own GA 467 reader: a SAM answering on a pseudo-terminal, for integration tests, the
/// benchmark and installers without hardware. The tty appears at `linkPath` (a symlink to the pty's
/// slave, as udev's `/dev/serial/by-id` links are), so the driver keeps one configured path across
/// ``unplug()`` and ``plug()``, which close the pty and open a new one as pulling and reinserting a
/// USB-serial adapter would.
///
/// Fault modes (``Faults``): no card, garbage bytes before every answer (with false preambles), a
/// slow line (answers paced at a baud rate, ten bit times a byte), a card lifted part-way through the
/// read answer, a SAM whose status is not 90.
public final class GA467Emulator: Sendable {
    public struct Faults: Sendable, Equatable {
        /// Garbage, including a false preamble with an impossible length and a false frame with a bad
        /// checksum, before every answer.
        public var garbage: Bool
        /// Pace answers at this line speed (115200 → about 87 µs a byte); nil sends at pty speed.
        public var baud: Int?
        /// The next read answer stops after this many bytes and the card is gone from then on.
        public var removeCardAfterBytes: Int?
        /// SW3 for SAM status (11 FF) and find card; 0x60 or 0x66 make a broken SAM.
        public var samStatus: UInt8
        /// SW3 for every read (30 01, 30 10) instead of the card's data, e.g. 0x41 for a card that
        /// cannot be read or 0x33 for one whose data does not verify.
        public var readStatus: UInt8?

        public init(garbage: Bool = false, baud: Int? = nil, removeCardAfterBytes: Int? = nil, samStatus: UInt8 = 0x90,
                    readStatus: UInt8? = nil) {
            self.garbage = garbage
            self.baud = baud
            self.removeCardAfterBytes = removeCardAfterBytes
            self.samStatus = samStatus
            self.readStatus = readStatus
        }
    }

    /// What the emulator has been asked, for tests.
    public struct Counters: Sendable, Equatable {
        public var commands = 0
        public var reads = 0
        public var badFrames = 0
    }

    public let linkPath: String

    private struct State {
        var card: EmulatedCard?
        var faults = Faults()
        var selected = false
        var counters = Counters()
        var plug: Int = 0
        var pty: PseudoTerminal?
        var threadRunning = false
    }

    private let state: Mutex<State>

    /// `linkPath` is where the tty appears once plugged in; its folder must exist.
    public init(linkPath: String, card: EmulatedCard? = nil, faults: Faults = Faults()) {
        self.linkPath = linkPath
        state = Mutex(State(card: card, faults: faults))
    }

    deinit { unplug() }

    // MARK: Controls

    public func insert(_ card: EmulatedCard) { state.withLock { $0.card = card; $0.selected = false } }
    public func removeCard() { state.withLock { $0.card = nil; $0.selected = false } }
    public var hasCard: Bool { state.withLock { $0.card != nil } }
    public func setFaults(_ faults: Faults) { state.withLock { $0.faults = faults } }
    public var counters: Counters { state.withLock { $0.counters } }
    /// The pty's own path while plugged in.
    public var slavePath: String? { state.withLock { $0.pty?.slavePath } }

    /// Opens a new pseudo-terminal, points `linkPath` at it and starts answering.
    public func plug() throws(DeviceError) {
        unplug()
        let pty = try PseudoTerminal.open()
        unlink(linkPath)
        guard symlink(pty.slavePath, linkPath) == 0 else {
            let reason = String(cString: strerror(errno))
            pty.close()
            throw DeviceError(code: .ptyFailed, action: .reset, detail: "cannot link \(linkPath): \(reason)")
        }
        let generation = state.withLock { state -> Int in
            state.plug += 1
            state.pty = pty
            state.threadRunning = true
            state.selected = false
            return state.plug
        }
        let thread = Thread { [self] in serve(pty, generation: generation) }
        thread.name = "ga467-emulator"
        thread.start()
    }

    /// Removes the link and closes the pty: the driver's next read or poll sees a hang-up.
    public func unplug() {
        let pty = state.withLock { state -> PseudoTerminal? in
            guard let pty = state.pty else { return nil }
            state.pty = nil
            state.plug += 1
            return pty
        }
        guard pty != nil else { return }
        unlink(linkPath)
        // The thread closes the pty when it sees the new generation; wait for it.
        while state.withLock({ $0.threadRunning }) { usleep(1000) }
    }

    // MARK: Serving

    private func serve(_ pty: PseudoTerminal, generation: Int) {
        var decoder = GA467FrameDecoder()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while state.withLock({ $0.plug == generation }) {
            var entry = pollfd(fd: pty.master, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 20) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(pty.master, $0.baseAddress, $0.count) }
            guard count > 0 else { usleep(1000); continue }
            decoder.feed(buffer.prefix(count))
            decoding: while true {
                switch decoder.next() {
                case .needMoreData: break decoding
                case .error(let error):
                    state.withLock { $0.counters.badFrames += 1 }
                    let status: UInt8 = if case .badLength = error { 0x11 } else { 0x10 }
                    send(GA467Response(sw3: status).frame.encoded(), on: pty, generation: generation, cutAfter: nil)
                case .frame(let frame):
                    let (answer, cut) = self.answer(frame)
                    send(answer.frame.encoded(), on: pty, generation: generation, cutAfter: cut)
                }
            }
        }
        pty.close()
        state.withLock { $0.threadRunning = false }
    }

    /// The SAM's answer to one frame, and where to cut it off when the card is lifted mid-read.
    private func answer(_ frame: GA467Frame) -> (GA467Response, Int?) {
        state.withLock { state -> (GA467Response, Int?) in
            state.counters.commands += 1
            guard frame.body.count >= 2, let command = GA467Command(command: frame.body[0], parameter: frame.body[1]) else {
                return (GA467Response(sw3: 0x21), nil)
            }
            let sam = state.faults.samStatus
            switch command {
            case .reset:
                state.selected = false
                return (GA467Response(sw3: 0x90), nil)
            case .samStatus:
                return (GA467Response(sw3: sam), nil)
            case .samID:
                return (GA467Response(sw3: sam, data: Array("KIOSK-EMU-000001".utf8)), nil)
            case .findCard:
                state.selected = false
                guard sam == 0x90 else { return (GA467Response(sw3: sam), nil) }
                return state.card == nil ? (GA467Response(sw3: 0x80), nil) : (GA467Response(sw3: 0x9F, data: [0, 0, 0, 0]), nil)
            case .selectCard:
                guard state.card != nil else { return (GA467Response(sw3: 0x81), nil) }
                state.selected = true
                return (GA467Response(sw3: 0x90, data: [UInt8](repeating: 0, count: 8)), nil)
            case .read, .readWithFingerprint:
                guard let card = state.card else { return (GA467Response(sw3: 0x41), nil) }
                guard state.selected else { return (GA467Response(sw3: 0x23), nil) }
                state.counters.reads += 1
                if let status = state.faults.readStatus { return (GA467Response(sw3: status), nil) }
                let answer = ReadAnswer(text: card.text, photo: card.photo,
                                        fingerprint: command == .readWithFingerprint ? card.fingerprint : nil)
                var cut: Int?
                if let after = state.faults.removeCardAfterBytes {
                    cut = after
                    state.faults.removeCardAfterBytes = nil
                    state.card = nil
                }
                return (GA467Response(sw3: 0x90, data: answer.data), cut)
            case .readAppendedAddress:
                guard let card = state.card else { return (GA467Response(sw3: 0x41), nil) }
                guard let address = card.appendedAddress else { return (GA467Response(sw3: 0x91), nil) }
                return (GA467Response(sw3: 0x90, data: TextBlockWriter.ucs2(address, count: 70)), nil)
            }
        }
    }

    /// Garbage before the answer, when asked for: stray bytes, a false preamble whose length is
    /// impossible, and a false frame whose checksum is wrong.
    static let garbage: [UInt8] = [0x00, 0x13, 0xAA, 0x55, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF, 0x42,
                                   0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x90, 0x77, 0x96, 0x69]

    private func send(_ answer: [UInt8], on pty: PseudoTerminal, generation: Int, cutAfter: Int?) {
        let faults = state.withLock { $0.faults }
        var bytes = faults.garbage ? Self.garbage + answer : answer
        if let cutAfter { bytes = Array(bytes.prefix((faults.garbage ? Self.garbage.count : 0) + cutAfter)) }
        guard let baud = faults.baud else {
            write(bytes[...], to: pty.master, generation: generation)
            return
        }
        // Pace by the clock, not by sleeping per byte: sleeps overshoot, the clock does not drift.
        let byteTime = 10_000_000_000 / UInt64(baud)  // nanoseconds
        let start = DispatchTime.now().uptimeNanoseconds
        var sent = 0
        while sent < bytes.count, state.withLock({ $0.plug == generation }) {
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            let due = min(bytes.count, Int(elapsed / byteTime) + 1)
            if due > sent {
                write(bytes[sent..<due], to: pty.master, generation: generation)
                sent = due
            }
            if sent < bytes.count {
                let next = start + UInt64(sent) * byteTime
                let now = DispatchTime.now().uptimeNanoseconds
                if next > now { usleep(useconds_t(max(20, (next - now) / 1000))) }
            }
        }
    }

    private func write(_ bytes: ArraySlice<UInt8>, to fd: Int32, generation: Int) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex, state.withLock({ $0.plug == generation }) {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count > 0 { offset += count; continue }
            if count < 0 && (errno == EAGAIN || errno == EINTR) {
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&entry, 1, 20)
                continue
            }
            return
        }
    }
}
