/// Identity documents for the demo and for tests. None is a real person's: the resident ID card is
/// made up with a correct GB 11643 check character, the foreign permanent resident card follows the
/// 2023 layout with made-up data, and the passport is the specimen printed in ICAO Doc 9303.
public enum SimulatedIdentities {
    /// A resident ID card from Haikou (area 460100): 测试样, female, born 1990-01-01.
    /// Its number `460100199001010027` ends in the check character GB 11643 gives.
    public static let residentID = Identity(
        kind: .residentID,
        number: "460100199001010027",
        name: "测试样",
        sex: .female,
        nation: "汉",
        birthDate: "1990-01-01",
        validFrom: "2020-01-01",
        expiry: .date("2040-01-01"),
        address: "海南省海口市美兰区测试路1号",
        issuer: "海口市公安局美兰分局")

    /// A foreign permanent resident ID card (外国人永久居留身份证, 2023 layout) with an English name
    /// only. Its 18-character number is `9`, the province (46, Hainan), the nationality's numeric
    /// code (826, United Kingdom), the birth date, a sequence and the GB 11643 check character.
    public static let foreignPermanentResident = Identity(
        kind: .foreignPermanentResidence,
        number: "946826198503150027",
        name: "BROWN EMILY ROSE",
        latinName: "BROWN EMILY ROSE",
        sex: .female,
        nationality: "GBR",
        birthDate: "1985-03-15",
        validFrom: "2024-01-01",
        expiry: .date("2034-01-01"),
        issuer: "国家移民管理局")

    /// The specimen passport of ICAO Doc 9303 (Utopia, UTO). Its MRZ is
    /// `P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<` / `L898902C36UTO7408122F1204159ZE184226B<<<<<10`.
    /// The specimen expired on 2012-04-15, so a flow that checks expiry must refuse it.
    public static let passport = Identity(
        kind: .passport,
        number: "L898902C3",
        name: "ERIKSSON ANNA MARIA",
        latinName: "ERIKSSON ANNA MARIA",
        sex: .female,
        nationality: "UTO",
        birthDate: "1974-08-12",
        expiry: .date("2012-04-15"),
        issuer: "UTO")

    public static let all: [Identity] = [residentID, foreignPermanentResident, passport]
}
