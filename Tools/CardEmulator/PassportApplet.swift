import SmartCard

/// The chip's side of an ICAO 9303 eMRTD with Basic Access Control: SELECT of the application and
/// of files, GET CHALLENGE, MUTUAL AUTHENTICATE, and READ BINARY under 3DES secure messaging
/// (Doc 9303 Part 11 §4.3, §9.8). It answers one command APDU at a time and keeps its state
/// between them, as a card does until it is reset.
public final class PassportApplet {
    public struct Faults: Sendable, Equatable {
        /// Answer protected commands with a response MAC that does not match.
        public var wrongResponseMAC = false
        /// Answer responses with data in two steps, `61xx` then GET RESPONSE, as T=0 cards do.
        public var t0GetResponse = false
        public init(wrongResponseMAC: Bool = false, t0GetResponse: Bool = false) {
            self.wrongResponseMAC = wrongResponseMAC
            self.t0GetResponse = t0GetResponse
        }
    }

    public let passport: TestPassport
    public var faults: Faults
    private let keys: BACKeys
    private var applicationSelected = false
    private var challenge: [UInt8]?
    private var session: (keys: SessionKeys, ssc: [UInt8])?
    private var selectedFile: [UInt8]?
    private var pendingResponse: [UInt8] = []
    private var pendingStatus: [UInt8] = []
    /// Commands answered since the last reset.
    public private(set) var commandCount = 0

    public init(passport: TestPassport, faults: Faults = Faults()) {
        self.passport = passport
        self.faults = faults
        keys = BACKeys(accessKey: passport.accessKey)
    }

    /// Power-on or reset: nothing selected, no session.
    public func reset() {
        applicationSelected = false
        challenge = nil
        session = nil
        selectedFile = nil
        pendingResponse = []
        commandCount = 0
    }

    /// The answer to one command APDU, as bytes.
    public func process(_ bytes: [UInt8]) -> [UInt8] {
        commandCount += 1
        guard let command = try? CommandAPDU(bytes: bytes) else { return sw(0x6700) }
        if command.ins == 0xC0 && faults.t0GetResponse {
            guard !pendingResponse.isEmpty else { return sw(0x6985) }
            let count = min(command.le ?? 256, pendingResponse.count)
            let part = Array(pendingResponse.prefix(count))
            pendingResponse.removeFirst(count)
            return part + (pendingResponse.isEmpty ? pendingStatus : moreData())
        }
        let answer = command.cla & 0x0C == 0x0C ? protected(command) : plain(command)
        guard faults.t0GetResponse, answer.count > 2 else { return answer }
        // T=0: the data and its status wait for GET RESPONSE.
        pendingResponse = Array(answer.dropLast(2))
        pendingStatus = Array(answer.suffix(2))
        return moreData()
    }

    /// `61xx`: xx more bytes wait (00 for 256 or more).
    private func moreData() -> [UInt8] { [0x61, pendingResponse.count >= 256 ? 0 : UInt8(pendingResponse.count)] }

    // MARK: Unprotected commands

    private func plain(_ command: CommandAPDU) -> [UInt8] {
        switch (command.cla, command.ins) {
        case (0x00, 0xA4) where command.p1 == 0x04:
            guard command.data == LDSFile.applicationID else { return sw(0x6A82) }
            reset()
            applicationSelected = true
            return sw(0x9000)
        case (0x00, 0x84):
            guard applicationSelected else { return sw(0x6985) }
            guard command.le == 8 else { return sw(0x6C08) }
            var generator = SystemRandomNumberGenerator()
            let rnd = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            challenge = rnd
            return rnd + sw(0x9000)
        case (0x00, 0x82):
            return mutualAuthenticate(command)
        case (0x00, 0xA4), (0x00, 0xB0):
            // The files are readable only under secure messaging after BAC.
            return sw(0x6982)
        default:
            return sw(0x6D00)
        }
    }

    private func mutualAuthenticate(_ command: CommandAPDU) -> [UInt8] {
        guard let rndIC = challenge, command.data.count == 40 else { return sw(0x6985) }
        challenge = nil
        let encrypted = Array(command.data[0..<32])
        guard let mac = try? RetailMAC.mac(key: keys.mac, data: encrypted), mac == Array(command.data[32..<40]),
              let plain = try? DES.cbc(.decrypt, key: keys.encryption, data: encrypted),
              Array(plain[8..<16]) == rndIC else {
            return sw(0x6300)
        }
        let rndIFD = Array(plain[0..<8])
        let kIFD = Array(plain[16..<32])
        var generator = SystemRandomNumberGenerator()
        let kIC = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard let answer = try? DES.cbc(.encrypt, key: keys.encryption, data: rndIC + rndIFD + kIC),
              let answerMAC = try? RetailMAC.mac(key: keys.mac, data: answer) else { return sw(0x6F00) }
        let sessionKeys = SessionKeys(kIFD: kIFD, kIC: kIC, rndIC: rndIC, rndIFD: rndIFD)
        session = (sessionKeys, sessionKeys.initialSSC)
        return answer + answerMAC + sw(0x9000)
    }

    // MARK: Secure messaging

    private func protected(_ command: CommandAPDU) -> [UInt8] {
        guard let (keys, initial) = session else { return sw(0x6988) }
        var ssc = initial
        increment(&ssc)
        guard let objects = try? BERTLV.parseAll(command.data[...]) else { return endSession(0x6988) }
        var covered: [UInt8] = []
        var data: [UInt8] = []
        var le: Int?
        var mac: [UInt8]?
        for object in objects {
            switch object.tag {
            case 0x87:
                guard object.value.first == 0x01,
                      let plain = try? DES.cbc(.decrypt, key: keys.encryption, data: Array(object.value.dropFirst())),
                      let unpadded = Padding.removeISO9797Method2(plain) else { return endSession(0x6988) }
                data = unpadded
                covered += object.encoded
            case 0x97:
                le = object.value.reduce(0) { $0 << 8 | Int($1) }
                if le == 0 { le = object.value.count == 1 ? 256 : 65536 }
                covered += object.encoded
            case 0x8E:
                mac = object.value
            default:
                return endSession(0x6988)
            }
        }
        let header = Padding.iso9797Method2([command.cla, command.ins, command.p1, command.p2])
        guard let mac, (try? RetailMAC.mac(key: keys.mac, data: ssc + header + covered)) == mac else {
            return endSession(0x6988)
        }
        let inner = CommandAPDU(cla: 0x00, ins: command.ins, p1: command.p1, p2: command.p2, data: data, le: le)
        let (answerData, status) = fileCommand(inner)
        increment(&ssc)
        var response: [UInt8] = []
        if !answerData.isEmpty,
           let encrypted = try? DES.cbc(.encrypt, key: keys.encryption, data: Padding.iso9797Method2(answerData)) {
            response += BERTLV(tag: 0x87, value: [0x01] + encrypted).encoded
        }
        response += BERTLV(tag: 0x99, value: status).encoded
        guard var responseMAC = try? RetailMAC.mac(key: keys.mac, data: ssc + response) else { return endSession(0x6F00) }
        if faults.wrongResponseMAC { responseMAC[0] ^= 0xFF }
        response += BERTLV(tag: 0x8E, value: responseMAC).encoded
        session = (keys, ssc)
        return response + sw(0x9000)
    }

    /// SELECT EF and READ BINARY on the LDS files.
    private func fileCommand(_ command: CommandAPDU) -> ([UInt8], [UInt8]) {
        switch command.ins {
        case 0xA4 where command.p1 == 0x02:
            guard passport.files.keys.contains(where: { $0.fileID == command.data }) else { return ([], [0x6A, 0x82]) }
            selectedFile = command.data
            return ([], [0x90, 0x00])
        case 0xB0:
            guard let selectedFile, let file = passport.files.first(where: { $0.key.fileID == selectedFile })?.value else {
                return ([], [0x69, 0x86])
            }
            let offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
            guard offset <= file.count else { return ([], [0x6B, 0x00]) }
            let wanted = command.le ?? 256
            let part = Array(file[offset..<min(file.count, offset + wanted)])
            return (part, part.count < wanted ? [0x62, 0x82] : [0x90, 0x00])
        default:
            return ([], [0x6D, 0x00])
        }
    }

    /// A secure-messaging error ends the session, as Doc 9303 Part 11 §9.8.4 asks of the chip.
    private func endSession(_ status: UInt16) -> [UInt8] {
        session = nil
        return sw(status)
    }

    private func increment(_ ssc: inout [UInt8]) {
        for index in ssc.indices.reversed() {
            ssc[index] &+= 1
            if ssc[index] != 0 { break }
        }
    }

    private func sw(_ status: UInt16) -> [UInt8] { [UInt8(status >> 8), UInt8(status & 0xFF)] }
}
