/// The elementary files of the eMRTD application that this reader reads (Doc 9303 Part 10 §4.6).
public enum LDSFile: Sendable, Hashable, CustomStringConvertible {
    case com
    case sod
    case dataGroup(Int)

    /// The short file identifier's full two-byte file id.
    public var fileID: [UInt8] {
        switch self {
        case .com: [0x01, 0x1E]
        case .sod: [0x01, 0x1D]
        case .dataGroup(let number): [0x01, UInt8(number)]
        }
    }

    /// The tag the file's single object starts with.
    public var tag: BERTag {
        switch self {
        case .com: 0x60
        case .sod: 0x77
        case .dataGroup(let number):
            [1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68, 9: 0x69, 10: 0x6A,
             11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70][number] ?? 0
        }
    }

    /// The data group a tag in EF.COM's tag list stands for.
    public static func dataGroup(forTag tag: UInt8) -> Int? {
        (1...16).first { LDSFile.dataGroup($0).tag.rawValue == UInt32(tag) }
    }

    /// The file's single object, checked to start with the file's tag.
    func object(in bytes: [UInt8]) throws(BERTLVError) -> BERTLV {
        let object = try BERTLV.parse(bytes)
        guard object.tag == tag else { throw .unexpectedTag(expected: tag, found: object.tag) }
        return object
    }

    public var description: String {
        switch self {
        case .com: "EF.COM"
        case .sod: "EF.SOD"
        case .dataGroup(let number): "DG\(number)"
        }
    }

    /// The eMRTD application's AID (Doc 9303 Part 10 §3.1).
    public static let applicationID: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]
}

/// EF.COM: the LDS version and which data groups the document has.
public struct EFCOM: Sendable, Equatable {
    /// `0107` for LDS 1.7.
    public var ldsVersion: String
    public var unicodeVersion: String
    public var dataGroups: [Int]

    public init(ldsVersion: String, unicodeVersion: String, dataGroups: [Int]) {
        self.ldsVersion = ldsVersion
        self.unicodeVersion = unicodeVersion
        self.dataGroups = dataGroups
    }

    public init(bytes: [UInt8]) throws(EMRTDError) {
        do {
            let file = try LDSFile.com.object(in: bytes)
            let version = try file.child(0x5F01).value
            let unicode = try file.child(0x5F36).value
            let tags = try file.child(0x5C).value
            guard version.allSatisfy({ (0x30...0x39).contains($0) }), unicode.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw EMRTDError.malformed(file: "EF.COM", reason: "version not digits")
            }
            var groups: [Int] = []
            for tag in tags {
                guard let group = LDSFile.dataGroup(forTag: tag) else {
                    throw EMRTDError.malformed(file: "EF.COM", reason: "unknown data-group tag")
                }
                groups.append(group)
            }
            ldsVersion = String(decoding: version, as: UTF8.self)
            unicodeVersion = String(decoding: unicode, as: UTF8.self)
            dataGroups = groups
        } catch let error as EMRTDError {
            throw error
        } catch {
            throw .malformed(file: "EF.COM", reason: "\(error)")
        }
    }

    public var encoded: [UInt8] {
        BERTLV(tag: LDSFile.com.tag, children: [
            BERTLV(tag: 0x5F01, value: Array(ldsVersion.utf8)),
            BERTLV(tag: 0x5F36, value: Array(unicodeVersion.utf8)),
            BERTLV(tag: 0x5C, value: dataGroups.map { UInt8(LDSFile.dataGroup($0).tag.rawValue) }),
        ]).encoded
    }
}
