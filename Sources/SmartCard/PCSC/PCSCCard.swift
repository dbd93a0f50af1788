import CPCSCLite
#if canImport(Glibc)
import Glibc
#endif

/// A connection to the card in one reader (`SCardConnect`), carrying APDUs with `SCardTransmit` in
/// the protocol the card and reader agreed. Blocking; used by one thread.
public final class PCSCCard: APDUTransport {
    public enum TransmissionProtocol: String, Sendable { case t0 = "T=0", t1 = "T=1" }

    let handle: SCARDHANDLE
    public let activeProtocol: TransmissionProtocol
    /// Keeps the context alive as long as the card handle.
    private let context: PCSCContext
    private var connected = true
    private var receiveBuffer = [UInt8](repeating: 0, count: 65_538)

    init(handle: SCARDHANDLE, activeProtocol: TransmissionProtocol, context: PCSCContext) {
        self.handle = handle
        self.activeProtocol = activeProtocol
        self.context = context
    }

    deinit { if connected { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) } }

    public func transmit(_ command: [UInt8]) throws(CardError) -> [UInt8] {
        guard connected else { throw .cardRemoved }
        var received = DWORD(receiveBuffer.count)
        var request = activeProtocol == .t0 ? g_rgSCardT0Pci : g_rgSCardT1Pci
        let code = command.withUnsafeBufferPointer { send in
            receiveBuffer.withUnsafeMutableBufferPointer { receive in
                SCardTransmit(handle, &request, send.baseAddress, DWORD(send.count), nil, receive.baseAddress, &received)
            }
        }
        if let error = PCSCReturnCode.error(code, "SCardTransmit") { throw error }
        // vpcd (and some readers) answer "success" with nothing when the card left mid-command.
        guard received >= 2 else { throw waitForRemoval() ? .cardRemoved : .malformedResponse }
        return Array(receiveBuffer.prefix(Int(received)))
    }

    /// Whether pcscd reports the card gone within a second (its presence poll is 400 ms).
    private func waitForRemoval() -> Bool {
        for _ in 0..<10 {
            var nameLength: DWORD = 0
            var state: DWORD = 0
            var proto: DWORD = 0
            var atr = [UInt8](repeating: 0, count: 33)
            var atrLength = DWORD(atr.count)
            let code = SCardStatus(handle, nil, &nameLength, &state, &proto, &atr, &atrLength)
            if PCSCReturnCode.error(code, "SCardStatus") == .cardRemoved { return true }
            if code == PCSCReturnCode.success, state & DWORD(SCARD_ABSENT) != 0 { return true }
            usleep(100_000)
        }
        return false
    }

    /// Ends the connection; `reset` resets the card so that no secure-messaging session outlives it.
    public func disconnect(reset: Bool = true) {
        guard connected else { return }
        connected = false
        SCardDisconnect(handle, DWORD(reset ? SCARD_RESET_CARD : SCARD_LEAVE_CARD))
    }
}
