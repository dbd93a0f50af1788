import DeviceKit
import ResidentID

/// A card lying on the emulated reader: the bytes its chip gives the SAM. Test cards only; every
/// person on them is made up.
public struct EmulatedCard: Sendable, Equatable {
    public var text: [UInt8]
    public var photo: [UInt8]
    public var fingerprint: [UInt8]
    /// The newest appended address (30 03), if the card has one.
    public var appendedAddress: String?

    public init(text: [UInt8], photo: [UInt8] = EmulatedCard.samplePhoto,
                fingerprint: [UInt8] = [UInt8](repeating: 0x5A, count: 1024), appendedAddress: String? = nil) {
        self.text = text
        self.photo = photo
        self.fingerprint = fingerprint
        self.appendedAddress = appendedAddress
    }

    /// 1024 bytes standing in for a WLT file (the real format is the card system's own).
    public static let samplePhoto: [UInt8] = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

    /// A resident ID card of a made-up woman from Haikou, with a valid check character.
    public static let residentID = EmulatedCard(text: TextBlockWriter.residentID(
        name: "测试样", sex: "2", nation: "01", birthDate: "19900101", address: "海南省海口市美兰区测试路1号",
        number: "460100199001010043", issuer: "海口市公安局美兰分局", validFrom: "20200101", validTo: "20400101"))

    /// The same card with a long-term validity and its last character changed, so its check fails.
    public static let residentIDBadCheck = EmulatedCard(text: TextBlockWriter.residentID(
        name: "测试样", sex: "2", nation: "01", birthDate: "19900101", address: "海南省海口市美兰区测试路1号",
        number: "460100199001010044", issuer: "海口市公安局美兰分局", validFrom: "20200101", validTo: "长期"))

    /// A residence permit for a made-up Hong Kong resident.
    public static let hkmotwPermit = EmulatedCard(text: TextBlockWriter.residencePermit(
        name: "测试港", sex: "1", birthDate: "19850615", address: "广东省深圳市福田区测试大道2号",
        number: "810000198506150012", issuer: "深圳市公安局", validFrom: "20190101", validTo: "20240101",
        travelPermitNumber: "H12345678", issueCount: "01"))

    /// A 2017 foreign permanent resident ID card of a made-up Canadian.
    public static let foreignPermanent2017 = EmulatedCard(text: TextBlockWriter.foreignPermanent2017(
        latinName: "TESTER, JANE", sex: "2", number: "CAN110075020101", nationality: "CAN", name: "简测试",
        validFrom: "20170616", validTo: "20270615", birthDate: "19750201", version: "01", issuer: "1500"))

    /// A 2023 foreign permanent resident ID card of a made-up German.
    public static let foreignPermanent2023 = EmulatedCard(text: TextBlockWriter.foreignPermanent2023(
        name: "测试德", sex: "1", birthDate: "19800303", latinName: "MUSTERMANN, MAX",
        number: "911276198003030038", validFrom: "20231201", validTo: "20331130", nationality: "DEU"))
}

/// Writes text blocks field by field, UCS-2LE padded with spaces, as a card's chip holds them.
public enum TextBlockWriter {
    public static func residentID(name: String, sex: String, nation: String, birthDate: String, address: String,
                                  number: String, issuer: String, validFrom: String, validTo: String) -> [UInt8] {
        typealias L = TextBlockLayout.ResidentID
        var block = blank()
        put(name, L.name, &block); put(sex, L.sex, &block); put(nation, L.nation, &block)
        put(birthDate, L.birthDate, &block); put(address, L.address, &block); put(number, L.number, &block)
        put(issuer, L.issuer, &block); put(validFrom, L.validFrom, &block); put(validTo, L.validTo, &block)
        return block
    }

    public static func residencePermit(name: String, sex: String, birthDate: String, address: String, number: String,
                                       issuer: String, validFrom: String, validTo: String,
                                       travelPermitNumber: String, issueCount: String) -> [UInt8] {
        typealias L = TextBlockLayout.ResidentID
        typealias J = TextBlockLayout.ResidencePermit
        var block = blank()
        put(name, L.name, &block); put(sex, L.sex, &block); put(birthDate, L.birthDate, &block)
        put(address, L.address, &block); put(number, L.number, &block); put(issuer, L.issuer, &block)
        put(validFrom, L.validFrom, &block); put(validTo, L.validTo, &block)
        put(travelPermitNumber, J.travelPermitNumber, &block); put(issueCount, J.issueCount, &block)
        put("J", TextBlockLayout.typeFlag, &block)
        return block
    }

    public static func foreignPermanent2017(latinName: String, sex: String, number: String, nationality: String,
                                            name: String, validFrom: String, validTo: String, birthDate: String,
                                            version: String, issuer: String) -> [UInt8] {
        typealias L = TextBlockLayout.ForeignPermanent2017
        var block = blank()
        put(latinName, L.latinName, &block); put(sex, L.sex, &block); put(number, L.number, &block)
        put(nationality, L.nationality, &block); put(name, L.name, &block); put(validFrom, L.validFrom, &block)
        put(validTo, L.validTo, &block); put(birthDate, L.birthDate, &block); put(version, L.version, &block)
        put(issuer, L.issuer, &block); put("I", TextBlockLayout.typeFlag, &block)
        return block
    }

    public static func foreignPermanent2023(name: String, sex: String, birthDate: String, latinName: String,
                                            number: String, validFrom: String, validTo: String,
                                            nationality: String) -> [UInt8] {
        typealias L = TextBlockLayout.ResidentID
        typealias Y = TextBlockLayout.ForeignPermanent2023
        var block = blank()
        put(name, L.name, &block); put(sex, L.sex, &block); put(birthDate, L.birthDate, &block)
        let latin = Array(latinName)
        let first = Y.latinName.count / 2
        put(String(latin.prefix(first)), Y.latinName, &block)
        put(String(latin.dropFirst(first)), Y.latinNameContinued, &block)
        put(number, L.number, &block); put(validFrom, L.validFrom, &block); put(validTo, L.validTo, &block)
        put(nationality, Y.nationality, &block); put("Y", TextBlockLayout.typeFlag, &block)
        return block
    }

    /// 256 bytes of UCS-2LE spaces.
    public static func blank() -> [UInt8] {
        (0..<TextBlockLayout.size).map { $0 % 2 == 0 ? 0x20 : 0x00 }
    }

    /// UCS-2LE text, cut to the field and padded with spaces.
    public static func ucs2(_ text: String, count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for unit in text.utf16 where bytes.count + 2 <= count {
            bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        while bytes.count + 2 <= count { bytes += [0x20, 0x00] }
        return bytes
    }

    public static func put(_ text: String, _ field: Range<Int>, _ block: inout [UInt8]) {
        block.replaceSubrange(field, with: ucs2(text, count: field.count))
    }
}
