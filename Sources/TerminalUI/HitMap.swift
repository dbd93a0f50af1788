import ScreenModel

/// Where each button was drawn, so a tap at a cell becomes the key of what is there.
///
/// The renderer records it while drawing; a viewer that receives `.tap(column:row:)` asks it, and the
/// session only ever sees the option's or command's own key.
public struct HitMap: Sendable, Equatable {
    public struct Region: Sendable, Equatable {
        public var rect: Rect
        public var key: Key
    }

    public private(set) var regions: [Region] = []

    public init() {}

    /// Adds a button; a part drawn right under a part of the same button (the same key and columns)
    /// makes it taller, so a button of several rows is one region.
    mutating func add(_ rect: Rect, key: Key) {
        guard rect.columns > 0, rect.rows > 0 else { return }
        if let above = regions.lastIndex(where: {
            $0.key == key && $0.rect.column == rect.column && $0.rect.columns == rect.columns
                && $0.rect.row + $0.rect.rows == rect.row
        }) {
            regions[above].rect.rows += rect.rows
        } else {
            regions.append(Region(rect: rect, key: key))
        }
    }

    /// The button drawn at that cell, if any.
    public func region(atColumn column: Int, row: Int) -> Region? {
        regions.first { $0.rect.contains(column: column, row: row) }
    }

    /// The key of the button drawn at that cell, if any.
    public func key(atColumn column: Int, row: Int) -> Key? {
        region(atColumn: column, row: row)?.key
    }

    /// A tap resolved to the key under it; any other key unchanged; nil for a tap on nothing.
    public func resolve(_ key: Key) -> Key? {
        guard case .tap(let column, let row) = key else { return key }
        return self.key(atColumn: column, row: row)
    }
}
