/// How many terminal columns `text` takes: the sum over its grapheme clusters.
///
/// Layout counts columns, never `String.count`: a Chinese character is one `Character` but two columns,
/// and `e` plus a combining accent is one `Character` and one column.
public func displayWidth(of text: String) -> Int {
    var width = 0
    for character in text {
        width += displayWidth(of: character)
    }
    return width
}

/// How many terminal columns one grapheme cluster takes: 0, 1 or 2.
///
/// The cluster takes the width of its first scalar that has one (combining marks, joiners and
/// variation selectors add nothing), with two exceptions after
/// [UTS #51](https://www.unicode.org/reports/tr51/): an emoji followed by the emoji presentation
/// selector U+FE0F, and a regional-indicator flag, are drawn two columns wide.
public func displayWidth(of character: Character) -> Int {
    let scalars = character.unicodeScalars
    guard let first = scalars.first else { return 0 }
    if first.value < 0x7F {
        // Printable ASCII; "\r\n" is one Character and a control, so zero.
        return first.value >= 0x20 ? 1 : 0
    }
    if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }
    var width = 0
    for scalar in scalars {
        if scalar.value == 0xFE0F, width == 1, first.properties.isEmoji { return 2 }
        if width == 0 { width = columns(of: scalar) }
    }
    return width
}

/// The width of one scalar on its own.
func columns(of scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
    if value < 0x300 { return 1 }
    if isZeroWidth(scalar) { return 0 }
    return EastAsianWidth.isWide(value) ? 2 : 1
}

/// Combining and enclosing marks (which include the variation selectors), format characters (zero-width
/// space and joiners, bidi controls) and the Hangul medial vowels and final consonants, which join the
/// syllable before them.
private func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return true }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return true
    default: return false
    }
}
