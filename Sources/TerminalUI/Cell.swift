/// One column of the screen: a grapheme cluster and how to draw it.
///
/// A wide character (two columns) sits in its own cell and marks the cell to its right as its
/// continuation, whose text is empty; the pair is written and rewritten as one glyph.
public struct Cell: Sendable, Hashable {
    /// One grapheme cluster of display width 1 or 2, or "" for the right half of a wide one.
    public internal(set) var text: String
    public internal(set) var style: Style

    init(text: String, style: Style) {
        self.text = text
        self.style = style
    }

    /// A space in `style`: what clearing or filling leaves behind.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(text: " ", style: style) }

    /// Whether this is the right half of the wide character in the cell to its left.
    public var isContinuation: Bool { text.isEmpty }
}

/// A rectangle of cells, in columns and rows from the top left.
public struct Rect: Sendable, Hashable {
    public var column: Int
    public var row: Int
    public var columns: Int
    public var rows: Int

    public init(column: Int, row: Int, columns: Int, rows: Int) {
        self.column = column
        self.row = row
        self.columns = columns
        self.rows = rows
    }

    public func contains(column: Int, row: Int) -> Bool {
        column >= self.column && column < self.column + columns && row >= self.row && row < self.row + rows
    }
}
