/// Where each field lies in the 256-byte text block of a card read by a GA 467 SAM. Every field is
/// UCS-2 little-endian text padded with spaces; byte offsets below. The card type is the character at
/// offset 248: a space for a resident ID card (GA/T 490), `J` for a residence permit for Hong Kong,
/// Macau and Taiwan residents, `I` for the 2017 foreign permanent resident ID card and `Y` for its
/// 2023 version.
public enum TextBlockLayout {
    public static let size = 256
    public static let photoSize = 1024
    /// The card-type character.
    public static let typeFlag = 248..<250

    /// A field's byte range.
    public typealias Field = Range<Int>

    /// Resident ID card (GA/T 490): name 30, sex 2, nation 4, birth 16, address 70, number 36,
    /// authority 30, valid from 16, valid to 16, reserved 36.
    public enum ResidentID {
        public static let name: Field = 0..<30
        public static let sex: Field = 30..<32
        public static let nation: Field = 32..<36
        public static let birthDate: Field = 36..<52
        public static let address: Field = 52..<122
        public static let number: Field = 122..<158
        public static let issuer: Field = 158..<188
        public static let validFrom: Field = 188..<204
        public static let validTo: Field = 204..<220
    }

    /// Residence permit for Hong Kong, Macau and Taiwan residents (`J`): the resident ID card's
    /// layout (``ResidentID``'s fields) with the nation left empty, then the travel permit number 18, the issue count 4, reserved
    /// 6, the type flag and reserved 6.
    public enum ResidencePermit {
        public static let travelPermitNumber: Field = 220..<238
        public static let issueCount: Field = 238..<242
    }

    /// Foreign permanent resident ID card, 2017 (`I`): Latin name 120, sex 2, number 30 (15
    /// characters), nationality 6 (GB/T 2659 three-letter code), Chinese name 30, valid from 16, valid to
    /// 16, birth 16, card version 4, issuing authority code 8, type flag 2, reserved 6.
    public enum ForeignPermanent2017 {
        public static let latinName: Field = 0..<120
        public static let sex: Field = 120..<122
        public static let number: Field = 122..<152
        public static let nationality: Field = 152..<158
        public static let name: Field = 158..<188
        public static let validFrom: Field = 188..<204
        public static let validTo: Field = 204..<220
        public static let birthDate: Field = 220..<236
        public static let version: Field = 236..<240
        public static let issuer: Field = 240..<248
    }

    /// Foreign permanent resident ID card, 2023 (`Y`), which follows the resident ID card's layout:
    /// Chinese name 30, sex 2, reserved 4, birth 16, Latin name 70, number 36 (18 characters with a GB
    /// 11643 check character, first digit 9), reserved 30, valid from 16, valid to 16, Latin name
    /// continued 16, nationality 6, reserved 6, type flag. See docs/drivers/ga467.md for how sure this
    /// layout is.
    public enum ForeignPermanent2023 {
        public static let latinName: Field = 52..<122
        public static let latinNameContinued: Field = 220..<236
        public static let nationality: Field = 236..<242
    }
}
