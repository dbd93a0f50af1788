/// Turns cell buffers into the bytes a VT100-compatible terminal needs to show them.
///
/// A full frame resets and clears the screen and draws every cell that is not blank; a diff draws only
/// the cells that changed, moving the cursor only where it is not already, and changing the style only
/// where it differs. Both leave the terminal in the plain style, which is what the next diff assumes.
/// Typing one digit into a field costs a cursor move, a style and the digit, not a repaint.
public enum FrameEncoder {
    /// Reset, clear and draw `buffer` on a terminal in any state.
    public static func fullFrame(_ buffer: CellBuffer) -> [UInt8] {
        var writer = Writer(columns: buffer.columns)
        writer.bytes.append(contentsOf: [0x1B, 0x5B, 0x30, 0x6D, 0x1B, 0x5B, 0x32, 0x4A])  // ESC[0m ESC[2J
        writer.draw(from: CellBuffer(columns: buffer.columns, rows: buffer.rows), to: buffer)
        return writer.finish()
    }

    /// The bytes that turn a terminal showing `old` into one showing `new`: empty when they are equal,
    /// and a full frame when their sizes differ.
    public static func diff(from old: CellBuffer, to new: CellBuffer) -> [UInt8] {
        guard old.columns == new.columns, old.rows == new.rows else { return fullFrame(new) }
        var writer = Writer(columns: new.columns)
        writer.draw(from: old, to: new)
        return writer.finish()
    }

    /// The output being built, with what the terminal's cursor and style are after it.
    private struct Writer {
        let columns: Int
        var bytes: [UInt8] = []
        /// Where the next character would land; nil when unknown, or after the last column, where a
        /// terminal's pending wrap makes the position unreliable.
        var cursor: (column: Int, row: Int)?
        var style = Style.plain

        init(columns: Int) {
            self.columns = columns
            bytes.reserveCapacity(256)
        }

        mutating func draw(from old: CellBuffer, to new: CellBuffer) {
            let oldCells = old.cells, newCells = new.cells
            for row in 0..<new.rows {
                let start = row * columns
                var column = 0
                while column < columns {
                    let index = start + column
                    let cell = newCells[index]
                    if cell.isContinuation {
                        // Orphan halves cannot come out of CellBuffer; skip defensively.
                        column += 1
                        continue
                    }
                    let isWide = column + 1 < columns && newCells[index + 1].isContinuation
                    let changed = oldCells[index] != cell || (isWide && oldCells[index + 1] != newCells[index + 1])
                    if changed {
                        move(toColumn: column, row: row, in: newCells)
                        setStyle(cell.style)
                        bytes.append(contentsOf: cell.text.utf8)
                        let next = column + (isWide ? 2 : 1)
                        cursor = next < columns ? (next, row) : nil
                    }
                    column += isWide ? 2 : 1
                }
            }
        }

        mutating func finish() -> [UInt8] {
            if style != .plain { setStyle(.plain) }
            return bytes
        }

        /// Takes the cheapest of: nothing, rewriting the few unchanged cells in between, cursor
        /// forward (CUF), or an absolute position (CUP).
        private mutating func move(toColumn column: Int, row: Int, in cells: [Cell]) {
            if let cursor, cursor.row == row {
                if cursor.column == column { return }
                if cursor.column < column {
                    let gap = column - cursor.column
                    let forward = gap == 1 ? 3 : 3 + digits(gap)
                    if gap < forward, canRewrite(cells, from: cursor.column, to: column, row: row) {
                        for index in (row * columns + cursor.column)..<(row * columns + column) {
                            bytes.append(contentsOf: cells[index].text.utf8)
                        }
                        return
                    }
                    bytes.append(contentsOf: [0x1B, 0x5B])
                    if gap > 1 { appendNumber(gap) }
                    bytes.append(0x43)                                          // C
                    return
                }
            }
            bytes.append(contentsOf: [0x1B, 0x5B])
            if row != 0 || column != 0 {
                appendNumber(row + 1)
                bytes.append(0x3B)
                appendNumber(column + 1)
            }
            bytes.append(0x48)                                                  // H
        }

        /// Unchanged single-byte cells in the current style can be written again instead of jumped over.
        private func canRewrite(_ cells: [Cell], from start: Int, to end: Int, row: Int) -> Bool {
            for column in start..<end {
                let cell = cells[row * columns + column]
                if cell.style != style || cell.text.utf8.count != 1 { return false }
                if column + 1 < columns, cells[row * columns + column + 1].isContinuation { return false }
            }
            return true
        }

        private mutating func setStyle(_ new: Style) {
            let parameters = new.sgrParameters(from: style)
            style = new
            guard !parameters.isEmpty else { return }
            bytes.append(contentsOf: [0x1B, 0x5B])
            for (position, parameter) in parameters.enumerated() {
                if position > 0 { bytes.append(0x3B) }
                appendNumber(parameter)
            }
            bytes.append(0x6D)                                                  // m
        }

        private mutating func appendNumber(_ number: Int) {
            if number >= 10 { appendNumber(number / 10) }
            bytes.append(UInt8(0x30 + number % 10))
        }

        private func digits(_ number: Int) -> Int {
            number >= 100 ? 3 : number >= 10 ? 2 : 1
        }
    }
}
