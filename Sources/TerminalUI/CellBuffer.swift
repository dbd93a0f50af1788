/// The whole screen as a grid of cells: what the renderer draws into and the encoder diffs.
///
/// Immediate-mode drawing after [ratatui](https://ratatui.rs/concepts/rendering/under-the-hood/): each
/// frame is drawn from scratch into a fresh buffer, and only the difference to the previous buffer
/// goes to a terminal. The same buffer feeds the console and the remote mirror, so they cannot disagree.
///
/// Every string written is passed through ``Sanitizer`` first, and a wide character is never split:
/// writing over either half of one turns the other half into a space.
public struct CellBuffer: Sendable, Equatable {
    public let columns: Int
    public let rows: Int
    /// Row-major; `cells[row * columns + column]`.
    public private(set) var cells: [Cell]

    /// A buffer of spaces in `style`.
    public init(columns: Int, rows: Int, style: Style = .plain) {
        self.columns = max(0, columns)
        self.rows = max(0, rows)
        cells = Array(repeating: Cell.blank(style), count: self.columns * self.rows)
    }

    public subscript(column: Int, row: Int) -> Cell {
        precondition(column >= 0 && column < columns && row >= 0 && row < rows, "cell outside the buffer")
        return cells[row * columns + column]
    }

    /// Writes `text` from (`column`, `row`) to the right, clipped at the buffer's edge and after
    /// `maxColumns` columns, and returns the columns used.
    ///
    /// A wide character that would straddle the limit is replaced by one space, so a glyph is never
    /// cut in half. Zero-width clusters are skipped. The text is sanitised first.
    @discardableResult
    public mutating func put(_ text: String, column: Int, row: Int, style: Style, maxColumns: Int? = nil) -> Int {
        guard row >= 0, row < rows, column < columns else { return 0 }
        let limit = min(columns, maxColumns.map { column + max(0, $0) } ?? columns)
        var position = column
        for character in Sanitizer.clean(text) {
            if position >= limit { break }
            let width = displayWidth(of: character)
            if width == 0 { continue }
            if position < 0 {
                // Text that starts left of the buffer: only what reaches column 0 shows.
                if position + width > 0 { set(Cell.blank(style), at: 0, row: row) }
                position += width
                continue
            }
            if position + width > limit {
                set(Cell.blank(style), at: position, row: row)
                position += 1
                break
            }
            set(Cell(text: Self.bounded(character), style: style), at: position, row: row)
            if width == 2 { set(Cell(text: "", style: style), at: position + 1, row: row) }
            position += width
        }
        return max(0, position - max(column, 0))
    }

    /// Fills `rect` (clipped to the buffer) with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: Style) {
        forEachCell(in: rect) { buffer, column, row in buffer.set(Cell.blank(style), at: column, row: row) }
    }

    /// Draws the cells of `rect` (clipped to the buffer) in `style`, keeping their text.
    public mutating func restyle(_ rect: Rect, style: Style) {
        // Text untouched: no glyph is split.
        forEachCell(in: rect) { buffer, column, row in buffer.cells[row * buffer.columns + column].style = style }
    }

    /// Calls `body` for each cell of `rect` that lies in the buffer, row by row.
    private mutating func forEachCell(in rect: Rect, _ body: (inout CellBuffer, Int, Int) -> Void) {
        let left = max(0, rect.column), right = min(columns, rect.column + rect.columns)
        let top = max(0, rect.row), bottom = min(rows, rect.row + rect.rows)
        guard left < right, top < bottom else { return }
        for row in top..<bottom {
            for column in left..<right { body(&self, column, row) }
        }
    }

    /// The characters of one row, continuation cells left out: for tests, logs and screen readers.
    public func text(ofRow row: Int) -> String {
        guard row >= 0, row < rows else { return "" }
        var line = ""
        for cell in cells[(row * columns)..<((row + 1) * columns)] {
            line += cell.text
        }
        return line
    }

    /// All rows as text, one line each.
    public var plainText: String {
        (0..<rows).map { text(ofRow: $0) }.joined(separator: "\n")
    }

    /// Stores one cell and repairs any wide character it overlaps, so no half glyph remains.
    private mutating func set(_ cell: Cell, at column: Int, row: Int) {
        let index = row * columns + column
        let old = cells[index]
        if old.isContinuation, column > 0 {
            cells[index - 1] = Cell.blank(cells[index - 1].style)
        }
        if !old.isContinuation, column + 1 < columns, cells[index + 1].isContinuation {
            cells[index + 1] = Cell.blank(cells[index + 1].style)
        }
        cells[index] = cell
    }

    /// A cluster with a runaway number of combining marks is cut to its first few scalars.
    private static func bounded(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        guard scalars.count > 16 else { return String(character) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(16))
        return String(view)
    }
}

extension CellBuffer: CustomStringConvertible {
    /// The size and the text, so a failed test or a log shows the screen rather than a cell dump.
    public var description: String { "CellBuffer \(columns)×\(rows)\n" + plainText }
}
