import CPCSCLite
#if canImport(Glibc)
import Glibc
#endif

/// One PC/SC resource-manager context (`SCardEstablishContext`). Not for concurrent use: each
/// thread that talks to pcscd has its own; only ``cancel()`` may be called from another thread, to
/// end a blocking ``statusChange(_:timeoutMilliseconds:)``. After pcscd restarts every call fails
/// with `serviceUnavailable` and the context must be replaced (``PCSCSession`` does that).
public final class PCSCContext: @unchecked Sendable {
    // @unchecked: the handle is written once; pcsclite documents SCardCancel as callable from any
    // thread, and every other call is made by the owning thread alone.
    let handle: SCARDCONTEXT

    /// The pseudo-reader whose state changes when readers come and go (pcsclite ≥ 1.6).
    public static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    public init() throws(CardError) {
        var context: SCARDCONTEXT = 0
        let code = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context)
        if let error = PCSCReturnCode.error(code, "SCardEstablishContext") { throw error }
        handle = context
    }

    deinit { SCardReleaseContext(handle) }

    /// Whether pcscd still knows this context.
    public var isValid: Bool { SCardIsValidContext(handle) == PCSCReturnCode.success }

    /// Ends a blocking status-change wait in another thread, which returns `cancelled`.
    public func cancel() { SCardCancel(handle) }

    /// The names of the readers pcscd has now; empty when there are none.
    public func readers() throws(CardError) -> [String] {
        var length: DWORD = 0
        var code = SCardListReaders(handle, nil, nil, &length)
        if code == PCSCReturnCode.noReadersAvailable { return [] }
        if let error = PCSCReturnCode.error(code, "SCardListReaders") { throw error }
        var buffer = [CChar](repeating: 0, count: Int(length))
        code = SCardListReaders(handle, nil, &buffer, &length)
        if code == PCSCReturnCode.noReadersAvailable { return [] }
        if let error = PCSCReturnCode.error(code, "SCardListReaders") { throw error }
        // A multi-string: names separated by NUL, ended by an empty one.
        return buffer.prefix(Int(length)).split(separator: 0).map { name in
            String(decoding: name.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// What a reader's state is, or became: the flags, the event counter and the card's ATR.
    public struct ReaderState: Sendable, Equatable {
        public var reader: String
        /// `SCARD_STATE_*` flags (the low 16 bits of `dwEventState`).
        public var flags: UInt32
        /// pcsclite's count of card events in this reader (the high 16 bits): it moves by two for a
        /// removal and an insertion, so one seen between two waits is not missed.
        public var eventCount: UInt16
        public var atr: [UInt8]

        public init(reader: String, flags: UInt32 = 0, eventCount: UInt16 = 0, atr: [UInt8] = []) {
            self.reader = reader
            self.flags = flags
            self.eventCount = eventCount
            self.atr = atr
        }

        public var isPresent: Bool { flags & UInt32(SCARD_STATE_PRESENT) != 0 }
        public var isUnknown: Bool { flags & UInt32(SCARD_STATE_UNKNOWN) != 0 }
        public var isChanged: Bool { flags & UInt32(SCARD_STATE_CHANGED) != 0 }
        /// The word to pass back as the current state next time (flags and counter).
        var currentWord: DWORD { DWORD(UInt32(eventCount) << 16 | (flags & ~UInt32(SCARD_STATE_CHANGED))) }
    }

    /// `SCardGetStatusChange`: waits until one of `states` differs from what the caller knows, or
    /// the timeout passes (`timeout`), or ``cancel()`` is called (`cancelled`). Returns the new states.
    public func statusChange(_ states: [ReaderState], timeoutMilliseconds: UInt32) throws(CardError) -> [ReaderState] {
        let names = states.map { strdup($0.reader) }
        defer { names.forEach { free($0) } }
        var raw = states.enumerated().map { index, state in
            var entry = SCARD_READERSTATE()
            entry.szReader = UnsafePointer(names[index])
            entry.dwCurrentState = state.currentWord
            return entry
        }
        let code = SCardGetStatusChange(handle, DWORD(timeoutMilliseconds), &raw, DWORD(raw.count))
        if let error = PCSCReturnCode.error(code, "SCardGetStatusChange") { throw error }
        return raw.enumerated().map { index, entry in
            let word = UInt32(truncatingIfNeeded: entry.dwEventState)
            let atr = withUnsafeBytes(of: entry.rgbAtr) { Array($0.prefix(min(Int(entry.cbAtr), 33))) }
            return ReaderState(reader: states[index].reader, flags: word & 0xFFFF, eventCount: UInt16(word >> 16), atr: atr)
        }
    }

    /// Connects to the card in `reader`, T=0 or T=1 as the card offers.
    public func connect(reader: String, exclusive: Bool = true) throws(CardError) -> PCSCCard {
        var card: SCARDHANDLE = 0
        var activeProtocol: DWORD = 0
        let share = DWORD(exclusive ? SCARD_SHARE_EXCLUSIVE : SCARD_SHARE_SHARED)
        let code = SCardConnect(handle, reader, share, DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &card, &activeProtocol)
        if let error = PCSCReturnCode.error(code, "SCardConnect") { throw error }
        return PCSCCard(handle: card, activeProtocol: activeProtocol == DWORD(SCARD_PROTOCOL_T0) ? .t0 : .t1, context: self)
    }
}
