/// The US-layout meaning of HID keyboard usage ids (USB HID Usage Tables, page 0x07), as a
/// keyboard-wedge scanner types a code. Only what a scanner sends is mapped: letters, digits,
/// punctuation, space, and the keys that end a code.
enum KeyboardUsage {
    /// What a key press does to the code being typed.
    enum Meaning: Equatable {
        case character(UInt8)
        /// Enter, keypad Enter or Tab: the code is complete.
        case terminator
        /// A key a code never contains (arrows, F-keys, Caps Lock…); ignored.
        case ignored
    }

    /// The modifier byte's shift bits (left 0x02, right 0x20), control (0x01, 0x10) and
    /// alt/GUI (0x04, 0x40, 0x08, 0x80).
    static let shiftBits: UInt8 = 0x22
    static let controlBits: UInt8 = 0x11

    /// Usage 0x01: the keyboard's "too many keys" report, whose key slots mean nothing.
    static let errorRollOver: UInt8 = 0x01

    private static let unshiftedPunctuation: [UInt8: UInt8] = [
        0x2C: 0x20, 0x2D: 0x2D, 0x2E: 0x3D, 0x2F: 0x5B, 0x30: 0x5D, 0x31: 0x5C, 0x32: 0x23,
        0x33: 0x3B, 0x34: 0x27, 0x35: 0x60, 0x36: 0x2C, 0x37: 0x2E, 0x38: 0x2F,
    ]
    private static let shiftedPunctuation: [UInt8: UInt8] = [
        0x2C: 0x20, 0x2D: 0x5F, 0x2E: 0x2B, 0x2F: 0x7B, 0x30: 0x7D, 0x31: 0x7C, 0x32: 0x7E,
        0x33: 0x3A, 0x34: 0x22, 0x35: 0x7E, 0x36: 0x3C, 0x37: 0x3E, 0x38: 0x3F,
    ]
    /// Shifted digit row 1…9, 0.
    private static let shiftedDigits: [UInt8] = Array("!@#$%^&*()".utf8)
    /// Keypad usages 0x54…0x63: / * - + Enter 1…9 0 .
    private static let keypad: [UInt8] = Array("/*-+\n1234567890.".utf8)

    static func meaning(of usage: UInt8, modifiers: UInt8) -> Meaning {
        let shift = modifiers & shiftBits != 0
        let control = modifiers & controlBits != 0
        switch usage {
        case 0x04...0x1D:
            let offset = usage - 0x04
            // Control with a letter types the ASCII control character (Ctrl+A = 0x01), which is
            // how some scanners send separators such as GS; the classifier refuses such codes.
            if control { return .character(offset + 1) }
            return .character((shift ? 0x41 : 0x61) + offset)
        case 0x1E...0x27:
            let index = Int(usage - 0x1E)
            return .character(shift ? shiftedDigits[index] : (index == 9 ? 0x30 : 0x31 + UInt8(index)))
        case 0x28, 0x2B, 0x58:
            return .terminator
        case 0x29:
            return .character(0x1B)  // Escape: kept so that the code is refused, not silently cut.
        case 0x2F where control: return .character(0x1B)
        case 0x31 where control: return .character(0x1C)
        case 0x30 where control: return .character(0x1D)
        case 0x2C...0x38:
            return .character((shift ? shiftedPunctuation : unshiftedPunctuation)[usage] ?? 0x3F)
        case 0x54...0x63:
            let character = keypad[Int(usage - 0x54)]
            return character == 0x0A ? .terminator : .character(character)
        default:
            return .ignored
        }
    }
}
