import Foundation

/// A machine-readable zone of an ICAO 9303 travel document: TD1 (3×30, ID cards), TD2 (2×36) or
/// TD3 (2×44, passports). ``parse(_:)`` validates every character and every check digit; a zone that
/// parses can be trusted as written (not as genuine: that is the chip's job).
public struct MachineReadableZone: Sendable, Equatable {
    public enum Format: String, Sendable { case td1, td2, td3 }

    public var format: Format
    /// `P`, `I`, `ID`, `AC`, `V`…, fillers removed.
    public var documentCode: String
    /// Three-letter code of the issuing state or organisation, fillers removed (e.g. `D` for Germany).
    public var issuingState: String
    /// The document number without fillers; for TD1 and TD2 it may continue in the optional data.
    public var documentNumber: String
    /// Primary identifier (surname) and secondary identifiers (given names), `<` read as spaces.
    public var primaryIdentifier: String
    public var secondaryIdentifier: String
    public var nationality: String
    public var birthDate: MRZDate
    /// `F`, `M` or `<` (unspecified).
    public var sex: Character
    public var expiryDate: MRZDate
    /// Optional data (TD3: personal number) without fillers.
    public var optionalData: String
    public var optionalData2: String

    /// The key that opens the document's chip.
    public var accessKey: DocumentAccessKey {
        DocumentAccessKey(validatedNumber: documentNumber, birthDate: birthDate.text, expiryDate: expiryDate.text)
    }

    /// The name as printed for Latin-script readers: primary identifier, then the others.
    public var latinName: String {
        [primaryIdentifier, secondaryIdentifier].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Parses a zone given as its lines (separated by newlines, spaces ignored at the ends) or as
    /// one run of 90, 72 or 88 characters.
    public static func parse(_ text: String) throws(MRZError) -> MachineReadableZone {
        let compact = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined()
        let characters = Array(compact.unicodeScalars)
        let lineLength: Int
        switch characters.count {
        case 90: lineLength = 30
        case 72: lineLength = 36
        case 88: lineLength = 44
        default: throw .unknownFormat(length: characters.count)
        }
        for (index, scalar) in characters.enumerated() where MRZCheckDigit.value(of: scalar) == nil {
            throw .badCharacter(line: index / lineLength + 1, column: index % lineLength + 1)
        }
        let lines = stride(from: 0, to: characters.count, by: lineLength).map {
            String(String.UnicodeScalarView(characters[$0..<$0 + lineLength]))
        }
        switch lineLength {
        case 30: return try parseTD1(lines)
        case 36: return try parseTD2(lines)
        default: return try parseTD3(lines)
        }
    }

    // MARK: Formats

    private static func parseTD3(_ lines: [String]) throws(MRZError) -> MachineReadableZone {
        let one = lines[0], two = lines[1]
        try checkDigit(two[0..<9], two[9], .documentNumber)
        try checkDigit(two[13..<19], two[19], .birthDate)
        try checkDigit(two[21..<27], two[27], .expiryDate)
        try checkDigit(two[28..<42], two[42], .optionalData)
        try checkDigit(two[0..<10] + two[13..<20] + two[21..<43], two[43], .composite)
        let (primary, secondary) = names(one[5..<44])
        return try make(.td3, code: one[0..<2], state: one[2..<5], number: filled(two[0..<9]),
                        primary: primary, secondary: secondary, nationality: two[10..<13],
                        birth: two[13..<19], sex: two[20], expiry: two[21..<27],
                        optional: filled(two[28..<42]), optional2: "")
    }

    private static func parseTD2(_ lines: [String]) throws(MRZError) -> MachineReadableZone {
        let one = lines[0], two = lines[1]
        let (number, optional) = try documentNumber(two[0..<9], digit: two[9], optional: two[28..<35])
        try checkDigit(two[13..<19], two[19], .birthDate)
        try checkDigit(two[21..<27], two[27], .expiryDate)
        try checkDigit(two[0..<10] + two[13..<20] + two[21..<35], two[35], .composite)
        let (primary, secondary) = names(one[5..<36])
        return try make(.td2, code: one[0..<2], state: one[2..<5], number: number,
                        primary: primary, secondary: secondary, nationality: two[10..<13],
                        birth: two[13..<19], sex: two[20], expiry: two[21..<27],
                        optional: optional, optional2: "")
    }

    private static func parseTD1(_ lines: [String]) throws(MRZError) -> MachineReadableZone {
        let one = lines[0], two = lines[1], three = lines[2]
        let (number, optional) = try documentNumber(one[5..<14], digit: one[14], optional: one[15..<30])
        try checkDigit(two[0..<6], two[6], .birthDate)
        try checkDigit(two[8..<14], two[14], .expiryDate)
        try checkDigit(one[5..<30] + two[0..<7] + two[8..<15] + two[18..<29], two[29], .composite)
        let (primary, secondary) = names(three)
        return try make(.td1, code: one[0..<2], state: one[2..<5], number: number,
                        primary: primary, secondary: secondary, nationality: two[15..<18],
                        birth: two[0..<6], sex: two[7], expiry: two[8..<14],
                        optional: optional, optional2: filled(two[18..<29]))
    }

    // MARK: Fields

    /// TD1 and TD2 numbers longer than nine characters: the check digit position holds `<` and the
    /// rest of the number, then its check digit, open the optional data (Doc 9303 Part 5 §4.2.4).
    private static func documentNumber(_ first: String, digit: Character, optional: String)
        throws(MRZError) -> (number: String, optional: String) {
        guard digit == "<" else {
            try checkDigit(first, digit, .documentNumber)
            return (filled(first), filled(optional))
        }
        let rest = optional.prefix { $0 != "<" }
        guard rest.count >= 2, let check = rest.last else { throw .badField(field: .documentNumber) }
        let number = first + rest.dropLast()
        try checkDigit(number, check, .documentNumber)
        return (filled(number), filled(String(optional.dropFirst(rest.count))))
    }

    private static func make(_ format: Format, code: String, state: String, number: String,
                             primary: String, secondary: String, nationality: String, birth: String,
                             sex: Character, expiry: String, optional: String, optional2: String)
        throws(MRZError) -> MachineReadableZone {
        let documentCode = filled(code)
        guard let first = documentCode.first, first.isLetter else { throw .badField(field: .documentCode) }
        guard !number.isEmpty else { throw .badField(field: .documentNumber) }
        guard sex == "M" || sex == "F" || sex == "<" || sex == "X" else { throw .badField(field: .sex) }
        guard let birthDate = MRZDate(birth, unknownAllowed: true) else { throw .badDate(field: .birthDate) }
        guard let expiryDate = MRZDate(expiry) else { throw .badDate(field: .expiryDate) }
        return MachineReadableZone(
            format: format, documentCode: documentCode, issuingState: filled(state), documentNumber: number,
            primaryIdentifier: primary, secondaryIdentifier: secondary, nationality: filled(nationality),
            birthDate: birthDate, sex: sex, expiryDate: expiryDate, optionalData: optional, optionalData2: optional2)
    }

    private static func checkDigit(_ field: String, _ digit: Character, _ name: MRZError.Field) throws(MRZError) {
        guard MRZCheckDigit.verify(field, digit: digit) else { throw .checkDigit(field: name) }
    }

    /// `ERIKSSON<<ANNA<MARIA<<<` → (`ERIKSSON`, `ANNA MARIA`).
    private static func names(_ field: String) -> (String, String) {
        let parts = field.components(separatedBy: "<<")
        let primary = parts[0].replacingOccurrences(of: "<", with: " ").trimmingCharacters(in: .whitespaces)
        let secondary = parts.dropFirst().joined(separator: " ").replacingOccurrences(of: "<", with: " ")
            .split(separator: " ").joined(separator: " ")
        return (primary, secondary)
    }

    /// The field without its filler characters at the end (and inside, for codes like `D<<`).
    static func filled(_ field: some StringProtocol) -> String {
        String(field.reversed().drop { $0 == "<" }.reversed())
    }
}

extension String {
    /// Characters `range` of an ASCII line (the MRZ is checked to be ASCII before slicing).
    fileprivate subscript(range: Range<Int>) -> String {
        let scalars = Array(unicodeScalars)
        return String(String.UnicodeScalarView(scalars[range]))
    }

    fileprivate subscript(index: Int) -> Character {
        Character(Array(unicodeScalars)[index])
    }
}
