/// Greedy line breaking for mixed Chinese and English: a line may break between any two CJK
/// characters, and at spaces in Latin text; a Latin word wider than the line is broken between
/// letters. Closing punctuation never starts a line and opening punctuation never ends one
/// (a small part of the kinsoku rules of JIS X 4051 / W3C clreq).
public struct LineWrapper {
    /// Width of a piece of text, in the unit of `width`.
    public var measure: (String) -> Double
    public var width: Double

    public init(width: Double, measure: @escaping (String) -> Double) {
        self.width = width
        self.measure = measure
    }

    static let noLineStart: Set<Character> = Set("，。、；：？！）」』】》〉,.;:?!)]}%·…")
    static let noLineEnd: Set<Character> = Set("（「『【《〈([{")

    /// East Asian wide characters: CJK ideographs, kana, hangul, fullwidth forms and CJK punctuation.
    public static func isWide(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first?.value else { return false }
        return (0x1100...0x115F).contains(scalar) || (0x2E80...0xA4CF).contains(scalar) || (0xAC00...0xD7A3).contains(scalar)
            || (0xF900...0xFAFF).contains(scalar) || (0xFE30...0xFE4F).contains(scalar) || (0xFF00...0xFF60).contains(scalar)
            || (0xFFE0...0xFFE6).contains(scalar) || (0x20000...0x3FFFD).contains(scalar)
    }

    /// Pieces that must stay together; a line may break after any of them.
    static func segments(_ text: String) -> [String] {
        var segments: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            var breakBefore = false
            if let previous, !current.isEmpty {
                if previous == " " && character != " " { breakBefore = true }
                if isWide(character) || isWide(previous) { breakBefore = true }
                if noLineStart.contains(character) || noLineEnd.contains(previous) { breakBefore = false }
            }
            if breakBefore {
                segments.append(current)
                current = ""
            }
            current.append(character)
            previous = character
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    public func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for segment in Self.segments(text) {
            let candidate = line + segment
            if line.isEmpty || measure(trimmedEnd(candidate)) <= width {
                line = candidate
            } else {
                lines.append(trimmedEnd(line))
                line = String(segment.drop(while: { $0 == " " }))
            }
            // A single piece wider than the line (a long URL or number) is broken by characters.
            while measure(trimmedEnd(line)) > width, line.count > 1 {
                var head = ""
                for character in line {
                    if !head.isEmpty && measure(head + String(character)) > width { break }
                    head.append(character)
                }
                lines.append(head)
                line = String(line.dropFirst(head.count))
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(trimmedEnd(line)) }
        return lines
    }

    private func trimmedEnd(_ text: String) -> String {
        var text = text
        while text.last == " " { text.removeLast() }
        return text
    }
}
