import DeviceKit

/// Reads an ICAO 9303 eMRTD over a card channel: selects the application, runs Basic Access
/// Control with the citizen's access key, then reads EF.COM, DG1, DG2 and EF.SOD under secure
/// messaging and checks each data group against EF.SOD's hashes. Blocking: it runs on the reader's
/// own thread, one command after another.
public final class PassportReader {
    public let channel: CardChannel
    /// Bytes asked for per READ BINARY. 0xDF keeps a protected answer (DO87, DO99, DO8E) within one
    /// short response.
    public var chunkSize = 0xDF
    /// Which data groups to read besides DG1 (when EF.COM lists them).
    public var optionalDataGroups: [Int] = [2]
    /// Called with each file read, for progress and for tests that pull the card mid-read.
    public var onFileRead: ((LDSFile) -> Void)?
    private var bacFactory: (BACKeys) -> BasicAccessControl = { BasicAccessControl(keys: $0) }

    public init(channel: CardChannel) { self.channel = channel }

    /// Fixes the terminal's random values (tests reproducing Doc 9303 Part 11 Appendix D).
    public func useFixedNonces(rndIFD: [UInt8], kIFD: [UInt8]) {
        bacFactory = { BasicAccessControl(keys: $0, rndIFD: rndIFD, kIFD: kIFD) }
    }

    public func read(accessKey: DocumentAccessKey) throws(EMRTDError) -> PassportDocument {
        try selectApplication()
        var session = SecureMessaging(keys: try authenticate(BACKeys(accessKey: accessKey)))
        var checks = ["bac", "secure-messaging"]

        let com = try EFCOM(bytes: readFile(.com, session: &session))
        guard com.dataGroups.contains(1) else { throw .malformed(file: "EF.COM", reason: "DG1 not listed") }
        let dg1Bytes = try readFile(.dataGroup(1), session: &session)
        let dg1 = try DataGroup1(bytes: dg1Bytes)
        checks.append("mrz-check-digits")
        var files: [Int: [UInt8]] = [1: dg1Bytes]
        var dg2: DataGroup2?
        if optionalDataGroups.contains(2), com.dataGroups.contains(2) {
            let bytes = try readFile(.dataGroup(2), session: &session)
            dg2 = try DataGroup2(bytes: bytes)
            files[2] = bytes
        }
        let sod = try SecurityObject(bytes: readFile(.sod, session: &session))
        for (group, contents) in files.sorted(by: { $0.key < $1.key }) {
            try sod.verify(dataGroup: group, contents: contents)
            checks.append("dg\(group)-hash")
        }
        return PassportDocument(com: com, dg1: dg1, dg2: dg2, securityObject: sod, checks: checks)
    }

    // MARK: Steps

    func selectApplication() throws(EMRTDError) {
        let response = try send(CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: LDSFile.applicationID), "SELECT eMRTD")
        if response.status == .fileNotFound { throw .fileNotFound("eMRTD application") }
        guard response.status.isSuccess else { throw .status(response.status, command: "SELECT eMRTD") }
    }

    /// GET CHALLENGE and MUTUAL AUTHENTICATE. A refusal means the key does not fit this document.
    func authenticate(_ keys: BACKeys) throws(EMRTDError) -> SessionKeys {
        let challenge = try send(BasicAccessControl.getChallenge, "GET CHALLENGE")
        guard challenge.status.isSuccess else { throw .status(challenge.status, command: "GET CHALLENGE") }
        let bac = bacFactory(keys)
        let answer = try send(try bac.mutualAuthenticate(rndIC: challenge.data), "MUTUAL AUTHENTICATE")
        switch answer.status.rawValue {
        case 0x9000: break
        case 0x6300...0x63CF, 0x6982, 0x6A80, 0x6988, 0x6987:
            throw .accessDenied
        default:
            throw .status(answer.status, command: "MUTUAL AUTHENTICATE")
        }
        return try bac.sessionKeys(response: answer.data, rndIC: challenge.data)
    }

    /// SELECT by file id, then READ BINARY: four bytes for the object's header, then the rest.
    func readFile(_ file: LDSFile, session: inout SecureMessaging) throws(EMRTDError) -> [UInt8] {
        let selected = try protected(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: file.fileID),
                                     session: &session, "SELECT \(file)")
        if selected.status == .fileNotFound { throw .fileNotFound("\(file)") }
        guard selected.status.isSuccess else { throw .status(selected.status, command: "SELECT \(file)") }

        var contents = try readBinary(offset: 0, length: 4, file: file, session: &session)
        let total: Int
        do {
            let header = try BERTLV.header(contents[...])
            guard header.tag == file.tag else { throw BERTLVError.unexpectedTag(expected: file.tag, found: header.tag) }
            total = header.headerLength + header.valueLength
        } catch {
            throw .malformed(file: "\(file)", reason: "\(error)")
        }
        guard total <= 0x8000 else { throw .fileTooLarge(file: "\(file)", size: total) }
        while contents.count < total {
            let chunk = try readBinary(offset: contents.count, length: min(chunkSize, total - contents.count),
                                       file: file, session: &session)
            guard !chunk.isEmpty else { throw .malformed(file: "\(file)", reason: "shorter than its length") }
            contents += chunk
        }
        onFileRead?(file)
        return Array(contents.prefix(total))
    }

    private func readBinary(offset: Int, length: Int, file: LDSFile,
                            session: inout SecureMessaging) throws(EMRTDError) -> [UInt8] {
        let command = CommandAPDU(ins: 0xB0, p1: UInt8(offset >> 8), p2: UInt8(offset & 0xFF), le: length)
        let response = try protected(command, session: &session, "READ BINARY \(file)")
        // 6282: end of file before Le bytes; the data that came is all there is.
        guard response.status.isSuccess || response.status.rawValue == 0x6282 else {
            throw .status(response.status, command: "READ BINARY \(file)")
        }
        return response.data
    }

    private func protected(_ command: CommandAPDU, session: inout SecureMessaging,
                           _ name: String) throws(EMRTDError) -> ResponseAPDU {
        let wrapped = try session.wrap(command)
        return try session.unwrap(send(wrapped, name))
    }

    private func send(_ command: CommandAPDU, _ name: String) throws(EMRTDError) -> ResponseAPDU {
        do {
            return try channel.send(command)
        } catch {
            throw .transport(error)
        }
    }
}
