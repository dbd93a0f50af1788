/// The check digit of ICAO Doc 9303 Part 3 §4.9: characters valued 0–9, A=10 … Z=35, `<`=0,
/// weighted 7, 3, 1 repeating, summed modulo 10.
public enum MRZCheckDigit {
    /// The digit for `field`, or `nil` if it holds a character the MRZ does not allow.
    public static func compute(_ field: some StringProtocol) -> Int? {
        let weights = [7, 3, 1]
        var sum = 0
        for (index, character) in field.unicodeScalars.enumerated() {
            guard let value = value(of: character) else { return nil }
            sum += value * weights[index % 3]
        }
        return sum % 10
    }

    /// Whether `digit` is the check digit of `field`. A field of fillers only may have `<` as its
    /// digit (optional data left empty).
    public static func verify(_ field: some StringProtocol, digit: Character) -> Bool {
        if digit == "<" { return field.allSatisfy { $0 == "<" } }
        guard let expected = compute(field), let given = digit.wholeNumberValue, digit.isASCII else { return false }
        return expected == given
    }

    static func value(of scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "0"..."9": Int(scalar.value - 48)
        case "A"..."Z": Int(scalar.value - 65 + 10)
        case "<": 0
        default: nil
        }
    }
}
