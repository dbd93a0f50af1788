/// ICAO 9303 secure messaging with 3DES (Doc 9303 Part 11 §9.8, Appendix D.4): each command is
/// wrapped into DO87 (encrypted data), DO97 (Le) and DO8E (retail MAC over the send sequence
/// counter, the padded header and those objects); each response is checked (DO99 status, DO8E) and
/// DO87 decrypted. A value type: the counter moves with every wrap and unwrap, so a copy that is
/// not written back would desynchronise it.
public struct SecureMessaging: Sendable {
    public let keys: SessionKeys
    /// The send sequence counter, 8 bytes big-endian.
    public private(set) var ssc: [UInt8]

    public init(keys: SessionKeys) {
        self.keys = keys
        self.ssc = keys.initialSSC
    }

    /// The protected command for `apdu`. Odd-INS commands (DO85) are not used by this reader.
    public mutating func wrap(_ apdu: CommandAPDU) throws(EMRTDError) -> CommandAPDU {
        do {
            let cla = apdu.cla | 0x0C
            let paddedHeader = Padding.iso9797Method2([cla, apdu.ins, apdu.p1, apdu.p2])
            var objects: [UInt8] = []
            if !apdu.data.isEmpty {
                let encrypted = try DES.cbc(.encrypt, key: keys.encryption, data: Padding.iso9797Method2(apdu.data))
                objects += BERTLV(tag: 0x87, value: [0x01] + encrypted).encoded
            }
            if let le = apdu.le {
                let value: [UInt8] = le == 256 ? [0x00] : le < 256 ? [UInt8(le)]
                    : le == 65536 ? [0x00, 0x00] : [UInt8(le >> 8), UInt8(le & 0xFF)]
                objects += BERTLV(tag: 0x97, value: value).encoded
            }
            increment()
            let mac = try RetailMAC.mac(key: keys.mac, data: ssc + paddedHeader + objects)
            objects += BERTLV(tag: 0x8E, value: mac).encoded
            return CommandAPDU(cla: cla, ins: apdu.ins, p1: apdu.p1, p2: apdu.p2, data: objects,
                               le: objects.count > 255 ? 65536 : 256)
        } catch {
            throw .crypto(error)
        }
    }

    /// The plain response from a protected one. A response whose MAC does not match is refused
    /// (`secureMessaging`), and the session must end: the counter can no longer be trusted.
    public mutating func unwrap(_ response: ResponseAPDU) throws(EMRTDError) -> ResponseAPDU {
        increment()
        // A chip may answer an error without secure messaging (e.g. 6988 when it saw a bad MAC).
        if response.data.isEmpty {
            guard !response.status.isSuccess else { throw .secureMessaging("success without protection") }
            return response
        }
        let objects: [BERTLV]
        do {
            objects = try BERTLV.parseAll(response.data[...])
        } catch {
            throw .secureMessaging("response objects: \(error)")
        }
        var covered: [UInt8] = []
        var encrypted: [UInt8]?
        var status: [UInt8]?
        var mac: [UInt8]?
        for object in objects {
            switch object.tag {
            case 0x87, 0x85:
                guard mac == nil, encrypted == nil else { throw .secureMessaging("DO\(object.tag) out of order") }
                covered += object.encoded
                encrypted = object.tag == 0x87 ? Array(object.value.dropFirst()) : object.value
                if object.tag == 0x87, object.value.first != 0x01 {
                    throw .secureMessaging("DO87 without padding indicator 01")
                }
            case 0x99:
                guard mac == nil, status == nil, object.value.count == 2 else { throw .secureMessaging("bad DO99") }
                covered += object.encoded
                status = object.value
            case 0x8E:
                guard mac == nil, object.value.count == 8 else { throw .secureMessaging("bad DO8E") }
                mac = object.value
            default:
                throw .secureMessaging("unexpected DO\(object.tag)")
            }
        }
        guard let status else { throw .secureMessaging("DO99 missing") }
        guard let mac else { throw .secureMessaging("DO8E missing") }
        do {
            guard try RetailMAC.mac(key: keys.mac, data: ssc + covered) == mac else {
                throw EMRTDError.secureMessaging("response MAC does not match")
            }
            var data: [UInt8] = []
            if let encrypted {
                guard !encrypted.isEmpty, encrypted.count % 8 == 0 else { throw EMRTDError.secureMessaging("DO87 length") }
                let plain = try DES.cbc(.decrypt, key: keys.encryption, data: encrypted)
                guard let unpadded = Padding.removeISO9797Method2(plain) else {
                    throw EMRTDError.secureMessaging("DO87 padding")
                }
                data = unpadded
            }
            return ResponseAPDU(data: data, sw1: status[0], sw2: status[1])
        } catch {
            throw EMRTDError(error)
        }
    }

    mutating func increment() {
        for index in ssc.indices.reversed() {
            ssc[index] &+= 1
            if ssc[index] != 0 { break }
        }
    }
}
