/// The 18-character citizen identification number of a resident ID card and the check character
/// that ends it, by GB 11643-1999 "Citizen identification number" (ISO 7064 MOD 11-2).
///
/// The number is a 6-digit area code, a birth date `YYYYMMDD`, a 3-digit sequence (odd for men, even
/// for women) and a check character. The check character is `"10X98765432"[Σ(digitᵢ × weightᵢ) mod 11]`
/// over the first 17 digits, with the weights in ``weights``. The 2023 foreign permanent resident ID
/// card uses the same 18-character shape and check. See DOMAIN.md, "Identity documents".
///
/// This checks the shape and the check character only; it does not decide whether the area code or
/// the birth date exist. A reader's checked number still needs its card's other fields.
public enum ResidentIDNumber {
    /// The weight of each of the first 17 digits: 2ⁱ mod 11 for positions 18 down to 2.
    public static let weights: [Int] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

    /// The check character for each value of the weighted sum mod 11.
    static let checkCharacters: [Character] = Array("10X98765432")

    /// The check character for the first 17 characters of a number, or nil when they are not exactly
    /// 17 ASCII digits.
    public static func checkCharacter(for first17: String) -> Character? {
        let digits = first17.unicodeScalars.compactMap { scalar -> Int? in
            guard scalar.isASCII, let value = Int(String(scalar)) else { return nil }
            return value
        }
        guard digits.count == 17, first17.unicodeScalars.count == 17 else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Whether `number` is 17 digits followed by the right check character. The check character `X`
    /// must be upper-case, as it is printed on the card and read from its chip.
    public static func isValid(_ number: String) -> Bool {
        guard number.unicodeScalars.count == 18, let last = number.last else { return false }
        guard let expected = checkCharacter(for: String(number.dropLast())) else { return false }
        return last == expected
    }
}
