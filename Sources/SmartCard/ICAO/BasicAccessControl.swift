/// The terminal's side of Basic Access Control (ICAO Doc 9303 Part 11 §4.3.3) as values: it makes
/// the MUTUAL AUTHENTICATE command from the chip's challenge and checks the chip's answer. The
/// caller sends the APDUs, so the exchange is testable without a card (Appendix D.3).
public struct BasicAccessControl: Sendable {
    public let keys: BACKeys
    public let rndIFD: [UInt8]
    public let kIFD: [UInt8]

    /// `rndIFD` (8 bytes) and `kIFD` (16 bytes) are fresh random values; tests pass Appendix D's.
    public init(keys: BACKeys, rndIFD: [UInt8], kIFD: [UInt8]) {
        self.keys = keys
        self.rndIFD = rndIFD
        self.kIFD = kIFD
    }

    public init(keys: BACKeys) {
        var generator = SystemRandomNumberGenerator()
        self.init(keys: keys,
                  rndIFD: (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) },
                  kIFD: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public static let getChallenge = CommandAPDU(ins: 0x84, p1: 0, p2: 0, le: 8)

    /// E.IFD ‖ M.IFD: S = RND.IFD ‖ RND.IC ‖ K.IFD encrypted under Kenc, then its retail MAC under Kmac.
    public func mutualAuthenticateData(rndIC: [UInt8]) throws(EMRTDError) -> [UInt8] {
        guard rndIC.count == 8 else { throw .protocolViolation("GET CHALLENGE returned \(rndIC.count) bytes") }
        do {
            let encrypted = try DES.cbc(.encrypt, key: keys.encryption, data: rndIFD + rndIC + kIFD)
            return encrypted + (try RetailMAC.mac(key: keys.mac, data: encrypted))
        } catch {
            throw .crypto(error)
        }
    }

    public func mutualAuthenticate(rndIC: [UInt8]) throws(EMRTDError) -> CommandAPDU {
        CommandAPDU(ins: 0x82, p1: 0, p2: 0, data: try mutualAuthenticateData(rndIC: rndIC), le: 40)
    }

    /// Checks the chip's E.IC ‖ M.IC and derives the session keys. A MAC that does not match, or
    /// nonces that do not come back, mean the chip did not prove it knows the keys.
    public func sessionKeys(response: [UInt8], rndIC: [UInt8]) throws(EMRTDError) -> SessionKeys {
        guard response.count == 40 else { throw .protocolViolation("MUTUAL AUTHENTICATE returned \(response.count) bytes") }
        let encrypted = Array(response[0..<32])
        do {
            guard try RetailMAC.mac(key: keys.mac, data: encrypted) == Array(response[32..<40]) else {
                throw EMRTDError.chipAuthenticationFailed
            }
            let plain = try DES.cbc(.decrypt, key: keys.encryption, data: encrypted)
            guard Array(plain[0..<8]) == rndIC, Array(plain[8..<16]) == rndIFD else {
                throw EMRTDError.chipAuthenticationFailed
            }
            return SessionKeys(kIFD: kIFD, kIC: Array(plain[16..<32]), rndIC: rndIC, rndIFD: rndIFD)
        } catch {
            throw EMRTDError(error)
        }
    }
}
