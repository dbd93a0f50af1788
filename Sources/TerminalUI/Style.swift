/// The sixteen ANSI colours plus the terminal's own default.
///
/// A small palette on purpose: every console the kiosk meets (kmscon, the Linux VT, xterm.js in a
/// remote window) draws these the same way, and a high-contrast theme needs no more.
public enum Color: UInt8, Sendable, Hashable, CaseIterable {
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case gray, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// The SGR parameter that selects this colour as foreground (30–37, 90–97, 39).
    var foregroundCode: Int {
        switch rawValue {
        case 0: 39
        case 1...8: 29 + Int(rawValue)
        default: 81 + Int(rawValue)
        }
    }

    /// The SGR parameter that selects this colour as background (40–47, 100–107, 49).
    var backgroundCode: Int { foregroundCode + 10 }
}

/// How a cell is drawn: colours and attributes, each of which maps to one SGR parameter.
public struct Style: Sendable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var underline: Bool
    public var inverse: Bool
    public var dim: Bool

    public init(foreground: Color = .default, background: Color = .default, bold: Bool = false,
                underline: Bool = false, inverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.inverse = inverse
        self.dim = dim
    }

    /// The terminal's state after `SGR 0`.
    public static let plain = Style()
}
