/// Why a command did not reach the card or its answer did not come back.
public enum CardError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The card left the reader (SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD).
    case cardRemoved
    /// The card was reset by someone else; the session on it is gone.
    case cardReset
    /// pcscd is not running or restarted (SCARD_E_NO_SERVICE, SCARD_E_INVALID_HANDLE).
    case serviceUnavailable
    /// The reader went away or is in use by another program.
    case readerUnavailable
    case cancelled
    case timeout
    /// The response is not an APDU (fewer than two bytes).
    case malformedResponse
    /// Any other PC/SC return code.
    case pcsc(code: UInt32, function: String)

    public var description: String {
        switch self {
        case .cardRemoved: "card removed"
        case .cardReset: "card reset"
        case .serviceUnavailable: "pcscd unavailable"
        case .readerUnavailable: "reader unavailable"
        case .cancelled: "cancelled"
        case .timeout: "timeout"
        case .malformedResponse: "malformed response"
        case .pcsc(let code, let function): "\(function) returned 0x\(String(code, radix: 16, uppercase: true))"
        }
    }
}

/// Something that carries raw APDUs to a card and back: a PC/SC card handle, or an emulated card
/// in the same process (tests and benchmarks). Blocking; runs on the reader's own thread.
public protocol APDUTransport: AnyObject {
    func transmit(_ command: [UInt8]) throws(CardError) -> [UInt8]
}

/// Sends command APDUs and handles the transport-level answers of ISO/IEC 7816-4 the way a reader
/// SDK does: `61xx` fetches the rest with GET RESPONSE (T=0 cards), `6Cxx` repeats the command with
/// the Le the card asked for.
public final class CardChannel {
    public let transport: any APDUTransport
    /// How many GET RESPONSE rounds one command may take before the card is declared broken.
    public var maximumChainedResponses = 64

    public init(transport: any APDUTransport) { self.transport = transport }

    public func send(_ command: CommandAPDU) throws(CardError) -> ResponseAPDU {
        var response = try exchange(command.bytes)
        if response.sw1 == 0x6C {
            var retried = command
            retried.le = response.sw2 == 0 ? 256 : Int(response.sw2)
            response = try exchange(retried.bytes)
        }
        var data: [UInt8] = []
        var rounds = 0
        while response.sw1 == 0x61 {
            rounds += 1
            guard rounds <= maximumChainedResponses else { throw .malformedResponse }
            data += response.data
            let getResponse = CommandAPDU(cla: command.cla & 0x03, ins: 0xC0, p1: 0, p2: 0,
                                          le: response.sw2 == 0 ? 256 : Int(response.sw2))
            response = try exchange(getResponse.bytes)
        }
        guard !data.isEmpty else { return response }
        return ResponseAPDU(data: data + response.data, sw1: response.sw1, sw2: response.sw2)
    }

    private func exchange(_ bytes: [UInt8]) throws(CardError) -> ResponseAPDU {
        do {
            return try ResponseAPDU(bytes: transport.transmit(bytes))
        } catch let error as CardError {
            throw error
        } catch {
            throw .malformedResponse
        }
    }
}
