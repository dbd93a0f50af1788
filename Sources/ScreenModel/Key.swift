/// One input from the citizen (or, later, a remote operator), after a viewer decoded it from its
/// terminal. The session understands these and nothing lower-level.
public enum Key: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One printable character (a grapheme cluster), already sanitised by the viewer.
    case text(String)
    case enter, escape, backspace, delete, tab
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1…F12.
    case function(Int)
    /// A tap or click at a cell (zero-based). The renderer turns it into the key of what was drawn there.
    case tap(column: Int, row: Int)
    /// A finger on a touch panel: the cells where it came down and where it lifted. It taps the
    /// button under both; a finger that slid off the button taps nothing.
    case touch(column: Int, row: Int, releaseColumn: Int, releaseRow: Int)

    public var description: String {
        switch self {
        case .text(let s): "text(\(s.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")))"
        case .function(let n): "F\(n)"
        case .tap(let c, let r): "tap(\(c),\(r))"
        case .touch(let c, let r, let rc, let rr): "touch(\(c),\(r)→\(rc),\(rr))"
        case .enter: "enter"
        case .escape: "escape"
        case .backspace: "backspace"
        case .delete: "delete"
        case .tab: "tab"
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .home: "home"
        case .end: "end"
        case .pageUp: "page-up"
        case .pageDown: "page-down"
        }
    }
}
