/// The receiving end of ``FrameEncoder``: applies its bytes to a cell buffer, so a remote viewer
/// keeps its own copy of the kiosk's screen and draws it with its own encoder. Only what the
/// encoder writes is understood (CUP, CUF, ED 2, SGR and text); anything else is skipped and
/// counted, so a stream from elsewhere can never reach the viewer's terminal as control sequences.
public struct FrameDecoder: Sendable {
    public private(set) var buffer: CellBuffer
    /// Sequences and control bytes that were not the encoder's, skipped.
    public private(set) var ignored = 0
    private var column = 0
    private var row = 0
    private var style = Style.plain

    public init(columns: Int, rows: Int) {
        buffer = CellBuffer(columns: columns, rows: rows)
    }

    public mutating func apply(_ bytes: [UInt8]) {
        var index = 0
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte != 0x1B {
                if byte >= 0x20 && byte != 0x7F { text.append(byte) } else { ignored += 1 }
                index += 1
                continue
            }
            write(text)
            text.removeAll(keepingCapacity: true)
            guard index + 1 < bytes.count, bytes[index + 1] == 0x5B else {
                ignored += 1
                index += 1
                continue
            }
            var end = index + 2
            while end < bytes.count, end - index < 40, (0x30...0x3F).contains(bytes[end]) { end += 1 }
            guard end < bytes.count, (0x40...0x7E).contains(bytes[end]) else {
                ignored += 1
                index = end
                continue
            }
            let parameterBytes = bytes[(index + 2)..<end]
            guard parameterBytes.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x3B }) else {
                ignored += 1
                index = end + 1
                continue
            }
            let parameters = String(decoding: parameterBytes, as: UTF8.self)
                .split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
            control(final: bytes[end], parameters.isEmpty ? [0] : parameters)
            index = end + 1
        }
        write(text)
    }

    private mutating func control(final: UInt8, _ parameters: [Int]) {
        switch final {
        case 0x48, 0x66:                                                // CUP
            row = min(max(1, parameters[0]), max(1, buffer.rows)) - 1
            column = min(max(1, parameters.count > 1 ? parameters[1] : 1), max(1, buffer.columns)) - 1
        case 0x43:                                                      // CUF
            column = min(buffer.columns, column + max(1, parameters[0]))
        case 0x4A where parameters == [2]:                              // ED 2
            buffer = CellBuffer(columns: buffer.columns, rows: buffer.rows, style: Style(background: style.background))
        case 0x6D:                                                      // SGR
            for parameter in parameters { select(parameter) }
        default:
            ignored += 1
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
        case 30...37: style.foreground = Color(rawValue: UInt8(parameter - 29)) ?? .default
        case 39: style.foreground = .default
        case 40...47: style.background = Color(rawValue: UInt8(parameter - 39)) ?? .default
        case 49: style.background = .default
        case 90...97: style.foreground = Color(rawValue: UInt8(parameter - 81)) ?? .default
        case 100...107: style.background = Color(rawValue: UInt8(parameter - 91)) ?? .default
        default: ignored += 1
        }
    }

    private mutating func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        for character in String(decoding: bytes, as: UTF8.self) {
            let width = displayWidth(of: character)
            guard width > 0, column < buffer.columns else { continue }
            column += buffer.put(String(character), column: column, row: row, style: style)
        }
    }
}

extension CellBuffer {
    /// Copies `source`'s rows `0..<rows` onto this buffer at the same places, clipped to both.
    public mutating func copy(_ source: CellBuffer, rows: Int) {
        for row in 0..<min(rows, source.rows, self.rows) {
            for column in 0..<min(columns, source.columns) {
                let cell = source[column, row]
                if !cell.isContinuation { put(cell.text, column: column, row: row, style: cell.style) }
            }
        }
    }
}
