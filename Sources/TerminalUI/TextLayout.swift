/// Fitting text into columns: word wrap, truncation with an ellipsis, and masking.
///
/// All measures are display columns. Wrapping follows the spirit of
/// [UAX #14](https://www.unicode.org/reports/tr14/) in its simplest form: Latin text breaks at spaces,
/// Chinese may break between any two characters, closing punctuation (，。）…) never starts a line and
/// opening punctuation (（《「…) never ends one, and a word longer than the line is broken hard.
public enum TextLayout {
    /// The ellipsis that marks cut text.
    public static let ellipsis = "…"

    /// `text` sanitised and broken into lines of at most `width` columns; line breaks in the text are kept.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for source in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            wrapLine(Sanitizer.clean(String(source)), width: width, into: &lines)
        }
        return lines
    }

    /// Packs items into rows no wider than `width`, `gap` columns apart, in order; an item wider
    /// than the row gets a row of its own.
    static func pack<Item>(_ items: [Item], width: Int, gap: Int, itemWidth: (Item) -> Int) -> [[Item]] {
        var rows: [[Item]] = []
        var row: [Item] = []
        var used = 0
        for item in items {
            let needed = itemWidth(item) + (row.isEmpty ? 0 : gap)
            if !row.isEmpty && used + needed > width {
                rows.append(row)
                row = []
                used = 0
            }
            used += itemWidth(item) + (row.isEmpty ? 0 : gap)
            row.append(item)
        }
        if !row.isEmpty { rows.append(row) }
        return rows
    }

    /// `text` sanitised, and cut to `width` columns with a trailing `…` when it is wider.
    public static func truncate(_ text: String, width: Int) -> String {
        let clean = Sanitizer.clean(text)
        if displayWidth(of: clean) <= width { return clean }
        return withEllipsis(clean, width: width)
    }

    /// `text` with `…` at its end, cut so that both fit in `width` columns.
    public static func withEllipsis(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        return Sanitizer.prefix(of: text, columns: width - 1) + ellipsis
    }

    /// The longest end of `text` that fits in `width` columns: what to show of a field typed past its box.
    public static func suffix(of text: String, width: Int) -> String {
        var used = 0
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            let columns = displayWidth(of: text[previous])
            if used + columns > width { break }
            used += columns
            start = previous
        }
        return String(text[start...])
    }

    /// `*` for every column of `text`, so personal data keeps its place on screen but not its content.
    public static func masked(_ text: String) -> String {
        var result = ""
        for character in text {
            if character.isNewline {
                result.append(character)
            } else {
                result += String(repeating: "*", count: displayWidth(of: character))
            }
        }
        return result
    }

    private struct Token {
        var text: String
        var width: Int
        /// Whether a space separated it from the token before.
        var spaced: Bool
    }

    private static let closing: Set<Character> = [
        "，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "】", "〕", "〉", "”", "’", "…",
        ",", ".", ";", ":", "?", "!", ")", "]", "}", "%",
    ]
    private static let opening: Set<Character> = ["（", "《", "「", "『", "【", "〔", "〈", "“", "‘", "(", "[", "{"]

    private static func wrapLine(_ line: String, width: Int, into lines: inout [String]) {
        var current = ""
        var currentWidth = 0
        for token in tokens(of: line) {
            let gap = token.spaced && currentWidth > 0 ? 1 : 0
            if currentWidth + gap + token.width <= width {
                if gap == 1 { current += " " }
                current += token.text
                currentWidth += gap + token.width
                continue
            }
            if currentWidth > 0 {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            if token.width <= width {
                current = token.text
                currentWidth = token.width
                continue
            }
            for character in token.text {
                let columns = displayWidth(of: character)
                if currentWidth + columns > width, currentWidth > 0 {
                    lines.append(current)
                    current = ""
                    currentWidth = 0
                }
                current.append(character)
                currentWidth += columns
            }
        }
        lines.append(current)
    }

    /// Latin words, single wide characters, with punctuation glued to the side it belongs to.
    private static func tokens(of line: String) -> [Token] {
        var tokens: [Token] = []
        var spaced = false
        var inWord = false
        for character in line {
            if character == " " {
                spaced = true
                inWord = false
                continue
            }
            let columns = displayWidth(of: character)
            let glued = !spaced && !tokens.isEmpty
                && ((inWord && columns == 1) || closing.contains(character) || columns == 0
                    || tokens[tokens.count - 1].text.last.map(opening.contains) == true)
            if glued {
                tokens[tokens.count - 1].text.append(character)
                tokens[tokens.count - 1].width += columns
            } else {
                tokens.append(Token(text: String(character), width: columns, spaced: spaced))
            }
            inWord = columns == 1 && (inWord || !closing.contains(character))
            spaced = false
        }
        return tokens
    }
}
