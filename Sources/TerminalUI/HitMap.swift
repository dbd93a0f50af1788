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

    mutating func add(_ rect: Rect, key: Key) {
        guard rect.columns > 0, rect.rows > 0 else { return }
        regions.append(Region(rect: rect, key: key))
    }

    /// The key of the button drawn at that cell, if any.
    public func key(atColumn column: Int, row: Int) -> Key? {
        regions.first { $0.rect.contains(column: column, row: row) }?.key
    }

    /// A tap resolved to the key under it; any other key unchanged; nil for a tap on nothing.
    public func resolve(_ key: Key) -> Key? {
        guard case .tap(let column, let row) = key else { return key }
        return self.key(atColumn: column, row: row)
    }
}
