import TerminalUI

/// A tiny terminal for tests: applies CUP, CUF, SGR, ED 2 and text to a grid, the way xterm would,
/// and records anything it does not understand or any write that would wrap past the last column.
struct ANSIScreen {
    let columns: Int
    let rows: Int
    private(set) var texts: [String]
    private(set) var styles: [Style]
    private(set) var column = 0
    private(set) var row = 0
    private(set) var style = Style.plain
    private(set) var problems: [String] = []

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        texts = Array(repeating: " ", count: columns * rows)
        styles = Array(repeating: .plain, count: columns * rows)
    }

    mutating func apply(_ bytes: [UInt8]) {
        var index = 0
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x1B else {
                text.append(byte)
                index += 1
                continue
            }
            write(text)
            text.removeAll()
            guard index + 1 < bytes.count, bytes[index + 1] == 0x5B else {
                problems.append("bare ESC at \(index)")
                index += 1
                continue
            }
            var end = index + 2
            while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
            guard end < bytes.count else {
                problems.append("unterminated CSI")
                return
            }
            let parameters = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                .split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
            control(final: bytes[end], parameters.isEmpty ? [0] : parameters)
            index = end + 1
        }
        write(text)
    }

    /// The screen's characters and styles equal the buffer's, cell for cell.
    func matches(_ buffer: CellBuffer) -> Bool {
        guard buffer.columns == columns, buffer.rows == rows else { return false }
        for (index, cell) in buffer.cells.enumerated() where cell.text != texts[index] || cell.style != styles[index] {
            return false
        }
        return true
    }

    func text(ofRow row: Int) -> String {
        texts[(row * columns)..<((row + 1) * columns)].joined()
    }

    private mutating func control(final: UInt8, _ parameters: [Int]) {
        switch final {
        case 0x48:                                                      // CUP
            row = max(1, parameters[0]) - 1
            column = max(1, parameters.count > 1 ? parameters[1] : 1) - 1
            if row >= rows || column >= columns { problems.append("CUP outside the screen") }
        case 0x43:                                                      // CUF
            column = min(columns - 1, column + max(1, parameters[0]))
        case 0x4A where parameters == [2]:                              // ED 2
            for index in texts.indices {
                texts[index] = " "
                styles[index] = Style(background: style.background)
            }
        case 0x6D:                                                      // SGR
            for parameter in parameters { select(parameter) }
        default:
            problems.append("unknown CSI final \(final)")
        }
    }

    private mutating func select(_ parameter: Int) {
        switch parameter {
        case 0: style = .plain
        case 1: style.bold = true
        case 2: style.dim = true
        case 4: style.underline = true
        case 7: style.inverse = true
        case 22: style.bold = false; style.dim = false
        case 24: style.underline = false
        case 27: style.inverse = false
        case 30...37: style.foreground = Color(rawValue: UInt8(parameter - 29))!
        case 39: style.foreground = .default
        case 40...47: style.background = Color(rawValue: UInt8(parameter - 39))!
        case 49: style.background = .default
        case 90...97: style.foreground = Color(rawValue: UInt8(parameter - 81))!
        case 100...107: style.background = Color(rawValue: UInt8(parameter - 91))!
        default: problems.append("unknown SGR \(parameter)")
        }
    }

    private mutating func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        for character in String(decoding: bytes, as: UTF8.self) {
            let width = displayWidth(of: character)
            guard width > 0 else { continue }
            guard row < rows, column + width <= columns else {
                problems.append("write past the last column at row \(row)")
                return
            }
            let start = row * columns + column
            // Like a real terminal, overwriting half of a wide glyph blanks its other half.
            if texts[start].isEmpty, column > 0 { texts[start - 1] = " " }
            let last = start + width - 1
            if column + width < columns, texts[last + 1].isEmpty { texts[last + 1] = " " }
            texts[start] = String(character)
            styles[start] = style
            if width == 2 {
                texts[start + 1] = ""
                styles[start + 1] = style
            }
            column += width
        }
    }
}
