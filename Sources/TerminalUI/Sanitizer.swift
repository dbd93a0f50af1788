/// Makes outside strings safe to draw: data, never terminal commands (DESIGN decision 8).
///
/// A name read from a card, a scanned code, operator chat or a file could carry `ESC [2J` (clear the
/// screen), an OSC that retitles the window, or a right-to-left override that makes `exe.txt` read as
/// `txt.exe`. `clean` removes whole escape sequences, after the
/// [ECMA-48](https://ecma-international.org/publications-and-standards/standards/ecma-48/) and
/// [xterm](https://invisible-island.net/xterm/ctlseqs/ctlseqs.html) grammar (CSI, OSC, DCS, SOS, PM,
/// APC and two-byte escapes, in their 7-bit and 8-bit forms), every other C0 and C1 control and DEL
/// (tab and line breaks become a space), and the bidirectional embedding, override and isolate
/// controls. Everything else, including Chinese, emoji and combining marks, passes unchanged.
public enum Sanitizer {
    /// `text` without control and escape sequences, cut to at most `maxColumns` display columns.
    public static func clean(_ text: String, maxColumns: Int? = nil) -> String {
        if let maxColumns, maxColumns <= 0 { return "" }
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            guard let maxColumns, text.utf8.count > maxColumns else { return text }
            return String(text.utf8.prefix(maxColumns))!
        }
        if maxColumns == nil, !text.unicodeScalars.contains(where: needsCleaning) {
            return text
        }
        // A cluster is at most a few scalars in honest text; the cap keeps a hostile string with a
        // million combining marks from costing more than the columns it may fill.
        let scalarLimit = maxColumns.map { $0 * 8 + 16 } ?? Int.max
        var scanner = Scanner()
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scanner.consume(scalar) { output.append($0) }
            if output.count >= scalarLimit { break }
        }
        let cleaned = String(output)
        guard let maxColumns else { return cleaned }
        return prefix(of: cleaned, columns: maxColumns)
    }

    /// Decodes `bytes` as UTF-8 (each invalid sequence becomes U+FFFD) and cleans the result.
    public static func clean(bytes: [UInt8], maxColumns: Int? = nil) -> String {
        clean(String(decoding: bytes, as: UTF8.self), maxColumns: maxColumns)
    }

    /// The longest prefix of `text` whose clusters fit in `columns`.
    static func prefix(of text: String, columns: Int) -> String {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = displayWidth(of: text[index])
            if used + width > columns { break }
            used += width
            end = text.index(after: index)
        }
        return end == text.endIndex ? text : String(text[..<end])
    }

    private static func needsCleaning(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || isBidiControl(value)
    }

    static func isBidiControl(_ value: UInt32) -> Bool {
        (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    /// The escape-sequence grammar as a small state machine over scalars.
    private struct Scanner {
        enum State {
            case ground
            case escape
            case escapeIntermediate
            case controlSequence
            /// OSC ends at BEL or ST; DCS, SOS, PM and APC only at ST.
            case controlString(endsAtBell: Bool)
            /// An ESC inside a control string: `\` makes it ST, anything else starts a new escape.
            case controlStringEscape
        }

        var state = State.ground
        var previousWasCarriageReturn = false

        mutating func consume(_ scalar: Unicode.Scalar, emit: (Unicode.Scalar) -> Void) {
            let value = scalar.value
            switch state {
            case .ground:
                ground(scalar, emit: emit)
                return
            case .escape:
                switch value {
                case 0x5B: state = .controlSequence                            // [
                case 0x5D: state = .controlString(endsAtBell: true)            // ]
                case 0x50, 0x58, 0x5E, 0x5F: state = .controlString(endsAtBell: false) // P X ^ _
                case 0x1B: break
                case 0x20...0x2F: state = .escapeIntermediate
                case 0x30...0x7E: state = .ground
                default:
                    state = .ground
                    ground(scalar, emit: emit)
                }
            case .escapeIntermediate:
                switch value {
                case 0x20...0x2F: break
                case 0x30...0x7E: state = .ground
                default:
                    state = .ground
                    ground(scalar, emit: emit)
                }
            case .controlSequence:
                switch value {
                case 0x20...0x3F: break
                case 0x40...0x7E, 0x18, 0x1A: state = .ground
                case 0x1B: state = .escape
                default:
                    state = .ground
                    ground(scalar, emit: emit)
                }
            case .controlString(let endsAtBell):
                switch value {
                case 0x07 where endsAtBell: state = .ground
                case 0x9C, 0x18, 0x1A: state = .ground
                case 0x1B: state = .controlStringEscape
                default: break
                }
            case .controlStringEscape:
                if value == 0x5C {                                             // ESC \ is ST
                    state = .ground
                } else {
                    state = .escape
                    consume(scalar, emit: emit)
                }
            }
            previousWasCarriageReturn = false
        }

        private mutating func ground(_ scalar: Unicode.Scalar, emit: (Unicode.Scalar) -> Void) {
            let value = scalar.value
            let afterCarriageReturn = previousWasCarriageReturn
            previousWasCarriageReturn = value == 0x0D
            switch value {
            case 0x1B: state = .escape
            case 0x9B: state = .controlSequence
            case 0x9D: state = .controlString(endsAtBell: true)
            case 0x90, 0x98, 0x9E, 0x9F: state = .controlString(endsAtBell: false)
            case 0x0A where afterCarriageReturn: break
            case 0x09...0x0D: emit(" ")
            case 0x00..<0x20, 0x7F...0x9F: break
            default:
                if !isBidiControl(value) { emit(scalar) }
            }
        }
    }
}
