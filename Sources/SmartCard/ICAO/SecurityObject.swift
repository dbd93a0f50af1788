/// EF.SOD (Doc 9303 Part 10 §4.6.2): a CMS SignedData (RFC 5652) whose content is the
/// LDSSecurityObject, the hash of every data group. This reads the hashes so that each data group
/// read can be checked against them (passive authentication's integrity half). The signature and
/// the Document Signer certificate chain are **not** verified: that needs the CSCA master list,
/// which the kiosk does not have (docs/drivers/smartcard.md).
public struct SecurityObject: Sendable, Equatable {
    public var hashAlgorithm: DigestAlgorithm
    public var dataGroupHashes: [Int: [UInt8]]

    public init(hashAlgorithm: DigestAlgorithm, dataGroupHashes: [Int: [UInt8]]) {
        self.hashAlgorithm = hashAlgorithm
        self.dataGroupHashes = dataGroupHashes
    }

    static let signedDataOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]
    static let ldsSecurityObjectOID: [UInt8] = [0x67, 0x81, 0x08, 0x01, 0x01, 0x01]

    public init(bytes: [UInt8]) throws(EMRTDError) {
        do {
            let file = try BERTLV.parse(bytes)
            try Self.expect(file, LDSFile.sod.tag)
            // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT SignedData }
            let contentInfo = try Self.only(file)
            try Self.expect(contentInfo, 0x30)
            let info = try contentInfo.children()
            guard info.count == 2, info[0].tag == 0x06, info[0].value == Self.signedDataOID else {
                throw EMRTDError.malformed(file: "EF.SOD", reason: "not CMS SignedData")
            }
            try Self.expect(info[1], 0xA0)
            let signedData = try Self.only(info[1])
            try Self.expect(signedData, 0x30)
            // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, ... }
            let parts = try signedData.children()
            guard parts.count >= 4, parts[0].tag == 0x02, parts[1].tag == 0x31, parts[2].tag == 0x30 else {
                throw EMRTDError.malformed(file: "EF.SOD", reason: "SignedData layout")
            }
            let encapsulated = try parts[2].children()
            guard encapsulated.count == 2, encapsulated[0].tag == 0x06,
                  encapsulated[0].value == Self.ldsSecurityObjectOID else {
                throw EMRTDError.malformed(file: "EF.SOD", reason: "content is not an LDSSecurityObject")
            }
            try Self.expect(encapsulated[1], 0xA0)
            let octets = try Self.only(encapsulated[1])
            try Self.expect(octets, 0x04)
            self = try Self.ldsSecurityObject(octets.value)
        } catch let error as EMRTDError {
            throw error
        } catch {
            throw .malformed(file: "EF.SOD", reason: "\(error)")
        }
    }

    /// LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm AlgorithmIdentifier,
    /// dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo OPTIONAL }
    static func ldsSecurityObject(_ bytes: [UInt8]) throws -> SecurityObject {
        let object = try BERTLV.parse(bytes)
        try expect(object, 0x30)
        let fields = try object.children()
        guard fields.count >= 3, fields[0].tag == 0x02, fields[1].tag == 0x30, fields[2].tag == 0x30 else {
            throw EMRTDError.malformed(file: "EF.SOD", reason: "LDSSecurityObject layout")
        }
        let algorithmOID = try fields[1].child(0x06).value
        guard let algorithm = DigestAlgorithm(oid: algorithmOID) else {
            throw EMRTDError.malformed(file: "EF.SOD", reason: "unsupported hash algorithm")
        }
        var hashes: [Int: [UInt8]] = [:]
        for entry in try fields[2].children() {
            try expect(entry, 0x30)
            let pair = try entry.children()
            guard pair.count == 2, pair[0].tag == 0x02, pair[1].tag == 0x04, pair[0].value.count == 1,
                  (1...16).contains(Int(pair[0].value[0])) else {
                throw EMRTDError.malformed(file: "EF.SOD", reason: "DataGroupHash layout")
            }
            let group = Int(pair[0].value[0])
            guard hashes[group] == nil else { throw EMRTDError.malformed(file: "EF.SOD", reason: "data group listed twice") }
            hashes[group] = pair[1].value
        }
        return SecurityObject(hashAlgorithm: algorithm, dataGroupHashes: hashes)
    }

    /// Whether `contents` (the data group's whole file) hashes to the value in EF.SOD.
    public func verify(dataGroup: Int, contents: [UInt8]) throws(EMRTDError) {
        guard let expected = dataGroupHashes[dataGroup] else {
            throw .malformed(file: "EF.SOD", reason: "no hash for DG\(dataGroup)")
        }
        guard hashAlgorithm.hash(contents) == expected else { throw .hashMismatch(dataGroup: dataGroup) }
    }

    private static func expect(_ object: BERTLV, _ tag: BERTag) throws {
        guard object.tag == tag else { throw BERTLVError.unexpectedTag(expected: tag, found: object.tag) }
    }

    private static func only(_ object: BERTLV) throws -> BERTLV {
        let children = try object.children()
        guard children.count == 1 else { throw EMRTDError.malformed(file: "EF.SOD", reason: "expected one object in \(object.tag)") }
        return children[0]
    }

    // MARK: Building (the emulator's side)

    /// An EF.SOD over `dataGroups` (number → file contents). The SignedData carries no
    /// certificates and one signer whose signature is a placeholder: enough for readers that check
    /// hashes, and plainly not a genuine document.
    public static func encode(dataGroups: [Int: [UInt8]], algorithm: DigestAlgorithm = .sha256) -> [UInt8] {
        let algorithmID = BERTLV(tag: 0x30, children: [BERTLV(tag: 0x06, value: algorithm.oid), BERTLV(tag: 0x05, value: [])])
        let hashes = dataGroups.sorted { $0.key < $1.key }.map { group, contents in
            BERTLV(tag: 0x30, children: [BERTLV(tag: 0x02, value: [UInt8(group)]),
                                         BERTLV(tag: 0x04, value: algorithm.hash(contents))])
        }
        let lds = BERTLV(tag: 0x30, children: [
            BERTLV(tag: 0x02, value: [0x00]), algorithmID, BERTLV(tag: 0x30, children: hashes),
        ])
        let encapsulated = BERTLV(tag: 0x30, children: [
            BERTLV(tag: 0x06, value: ldsSecurityObjectOID),
            BERTLV(tag: 0xA0, children: [BERTLV(tag: 0x04, value: lds.encoded)]),
        ])
        let signerInfo = BERTLV(tag: 0x30, children: [
            BERTLV(tag: 0x02, value: [0x03]),
            BERTLV(tag: 0x80, value: Array("kiosk-card-emulator".utf8)),
            algorithmID,
            BERTLV(tag: 0x30, children: [BERTLV(tag: 0x06, value: [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02])]),
            BERTLV(tag: 0x04, value: [UInt8](repeating: 0, count: 64)),
        ])
        let signedData = BERTLV(tag: 0x30, children: [
            BERTLV(tag: 0x02, value: [0x03]),
            BERTLV(tag: 0x31, children: [algorithmID]),
            encapsulated,
            BERTLV(tag: 0x31, children: [signerInfo]),
        ])
        let contentInfo = BERTLV(tag: 0x30, children: [
            BERTLV(tag: 0x06, value: signedDataOID), BERTLV(tag: 0xA0, children: [signedData]),
        ])
        return BERTLV(tag: LDSFile.sod.tag, children: [contentInfo]).encoded
    }
}
