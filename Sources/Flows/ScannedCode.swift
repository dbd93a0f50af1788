/// What a scanned or typed code is, judged before it goes anywhere near a screen, a log or a query.
/// Codes are outside data: anything with control bytes, invalid UTF-8 or an odd length is refused.
public enum ScannedCode {
    /// Longest code accepted at all; a scanner flooding more than this is refused unread.
    public static let maximumLength = 512

    /// Decodes scanner bytes strictly, dropping one trailing CR/LF/Tab terminator.
    public static func text(from bytes: [UInt8]) -> String? {
        guard bytes.count <= maximumLength else { return nil }
        var trimmed = bytes[...]
        while let last = trimmed.last, last == 0x0D || last == 0x0A || last == 0x09 { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty, let text = String(validating: trimmed, as: UTF8.self) else { return nil }
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }) else {
            return nil
        }
        return text
    }

    /// A pickup code: 6 to 12 digits, as sent by SMS or shown in the app.
    public static func pickupCode(_ text: String) -> String? {
        (6...12).contains(text.count) && text.allSatisfy(\.isASCIIDigit) ? text : nil
    }

    /// A result code (统一赋码) or application number: 4 to 64 letters, digits and dashes, or a
    /// result URL whose last path segment or `code=` parameter is one.
    public static func resultCode(_ text: String) -> String? {
        var candidate = Substring(text)
        if text.hasPrefix("https://") || text.hasPrefix("http://") {
            if let range = text.range(of: "code=") {
                candidate = text[range.upperBound...].prefix { $0 != "&" && $0 != "#" }
            } else {
                candidate = text.split(separator: "/").last ?? ""
            }
        }
        let valid = (4...64).contains(candidate.count)
            && candidate.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }
        return valid ? candidate.uppercased() : nil
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}
