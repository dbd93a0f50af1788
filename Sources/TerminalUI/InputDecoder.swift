import ScreenModel

/// Turns the bytes a terminal sends into ``Key``s, as a value-type state machine: the caller reads,
/// feeds, and acts on the keys; nothing here does I/O, so every sequence is testable byte by byte.
///
/// Understands printable UTF-8 (also split across reads), Enter (CR, LF, or CRLF once), Backspace (DEL
/// or BS), Tab, the cursor and editing keys and F1–F12 in their CSI, SS3 and Linux-console forms (with
/// any modifier parameters ignored, after
/// [xterm's PC-style function keys](https://invisible-island.net/xterm/ctlseqs/ctlseqs.html#h2-PC-Style-Function-Keys)),
/// and a left-button press in SGR (1006) or X10 mouse reporting as a tap.
///
/// Everything else yields nothing: unknown or malformed sequences are dropped, a sequence that runs
/// past ``maxSequenceLength`` bytes is discarded, Alt-combinations are ignored, and Ctrl-C, Ctrl-Z,
/// Ctrl-\ and the other control bytes are not keys — a kiosk must not stop when someone presses them.
public struct InputDecoder: Sendable, Equatable {
    /// Parameter bytes after which an unterminated escape sequence is given up.
    public static let maxSequenceLength = 64

    private enum State: Sendable, Equatable {
        case ground
        /// After ESC: a lone Escape, or the start of a sequence.
        case escape
        /// After ESC [.
        case controlSequence
        /// After ESC O.
        case singleShift
        /// After ESC [ [ (Linux console F1–F5).
        case linuxFunction
        /// The three raw bytes after ESC [ M (X10 mouse).
        case x10Mouse
        /// Skipping the rest of an over-long sequence up to its final byte.
        case discarding
    }

    private var state = State.ground
    private var sequence: [UInt8] = []
    private var utf8: [UInt8] = []
    private var utf8Expected = 0
    private var lastWasCarriageReturn = false

    public init() {}

    /// Whether bytes are held back waiting for the rest of an escape sequence; the reader then calls
    /// ``flushPendingEscape()`` after a short pause (about 50 ms).
    public var hasPendingEscape: Bool { state != .ground }

    /// Decodes `bytes`, keeping any incomplete sequence or character for the next call.
    public mutating func feed(_ bytes: [UInt8]) -> [Key] {
        var keys: [Key] = []
        var text = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            if step(bytes[index], keys: &keys, text: &text) { index += 1 }
        }
        flush(&text, into: &keys)
        return keys
    }

    /// Called when no byte followed for a while: a lone ESC was the Escape key; a half-received
    /// sequence will not be completed and is dropped.
    public mutating func flushPendingEscape() -> [Key] {
        let wasEscape = state == .escape
        state = .ground
        sequence.removeAll(keepingCapacity: true)
        return wasEscape ? [.escape] : []
    }

    /// Processes one byte; returns false when the byte ended a sequence without belonging to it and
    /// must be processed again from the ground state.
    private mutating func step(_ byte: UInt8, keys: inout [Key], text: inout String.UnicodeScalarView) -> Bool {
        switch state {
        case .ground:
            ground(byte, keys: &keys, text: &text)
        case .escape:
            switch byte {
            case 0x5B:
                state = .controlSequence
                sequence.removeAll(keepingCapacity: true)
            case 0x4F:
                state = .singleShift
                sequence.removeAll(keepingCapacity: true)
            case 0x1B:
                keys.append(.escape)
            case 0x20...0x7F:
                state = .ground                      // Alt+key: not a kiosk input
            default:
                keys.append(.escape)
                state = .ground
                return false
            }
        case .controlSequence:
            switch byte {
            case 0x5B where sequence.isEmpty:
                state = .linuxFunction
            case 0x20...0x3F:
                collect(byte)
            case 0x40...0x7E:
                state = .ground
                controlSequence(final: byte, keys: &keys)
            default:
                state = .ground
                return false
            }
        case .singleShift:
            switch byte {
            case 0x20...0x3F:
                collect(byte)
            case 0x40...0x7E:
                state = .ground
                if let key = Self.singleShiftKeys[byte] { keys.append(key) }
            default:
                state = .ground
                return false
            }
        case .linuxFunction:
            state = .ground
            switch byte {
            case 0x41...0x45: keys.append(.function(Int(byte) - 0x40))  // A…E
            case 0x20...0x7E: break
            default: return false
            }
        case .x10Mouse:
            sequence.append(byte)
            if sequence.count == 3 {
                state = .ground
                let button = Int(sequence[0]) - 32
                if button >= 0, button & ~0b11100 == 0, sequence[1] > 32, sequence[2] > 32 {
                    keys.append(.tap(column: Int(sequence[1]) - 33, row: Int(sequence[2]) - 33))
                }
            }
        case .discarding:
            switch byte {
            case 0x20...0x3F: break
            case 0x40...0x7E: state = .ground
            default:
                state = .ground
                return false
            }
        }
        return true
    }

    private mutating func collect(_ byte: UInt8) {
        sequence.append(byte)
        if sequence.count >= Self.maxSequenceLength {
            sequence.removeAll(keepingCapacity: true)
            state = .discarding
        }
    }

    private mutating func ground(_ byte: UInt8, keys: inout [Key], text: inout String.UnicodeScalarView) {
        let afterCarriageReturn = lastWasCarriageReturn
        lastWasCarriageReturn = byte == 0x0D
        if utf8Expected > 0 {
            if continues(byte) {
                utf8.append(byte)
                if utf8.count == utf8Expected {
                    if let scalar = Self.decode(utf8) { text.append(scalar) }
                    utf8.removeAll(keepingCapacity: true)
                    utf8Expected = 0
                }
                return
            }
            utf8.removeAll(keepingCapacity: true)                      // invalid: drop what came so far
            utf8Expected = 0
        }
        switch byte {
        case 0x20...0x7E:
            text.append(Unicode.Scalar(byte))
        case 0xC2...0xDF, 0xE0...0xEF, 0xF0...0xF4:
            utf8 = [byte]
            utf8Expected = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        case 0x1B:
            flush(&text, into: &keys)
            state = .escape
        case 0x0D:
            flush(&text, into: &keys)
            keys.append(.enter)
        case 0x0A:
            flush(&text, into: &keys)
            if !afterCarriageReturn { keys.append(.enter) }
        case 0x7F, 0x08:
            flush(&text, into: &keys)
            keys.append(.backspace)
        case 0x09:
            flush(&text, into: &keys)
            keys.append(.tab)
        default:
            break                                                       // other controls, stray UTF-8
        }
    }

    /// Whether `byte` is a valid next byte of the UTF-8 sequence being collected, ruling out overlong
    /// forms, surrogates and values past U+10FFFF at the second byte (Unicode Table 3-7).
    private func continues(_ byte: UInt8) -> Bool {
        guard byte & 0xC0 == 0x80 else { return false }
        guard utf8.count == 1 else { return true }
        switch utf8[0] {
        case 0xE0: return byte >= 0xA0
        case 0xED: return byte <= 0x9F
        case 0xF0: return byte >= 0x90
        case 0xF4: return byte <= 0x8F
        default: return true
        }
    }

    private static func decode(_ bytes: [UInt8]) -> Unicode.Scalar? {
        var value = UInt32(bytes[0]) & (bytes.count == 2 ? 0x1F : bytes.count == 3 ? 0x0F : 0x07)
        for byte in bytes.dropFirst() { value = value << 6 | UInt32(byte & 0x3F) }
        return Unicode.Scalar(value)
    }

    /// Emits the printable text collected so far, one key per grapheme cluster, sanitised.
    private func flush(_ text: inout String.UnicodeScalarView, into keys: inout [Key]) {
        guard !text.isEmpty else { return }
        for character in Sanitizer.clean(String(text)) where displayWidth(of: character) > 0 {
            keys.append(.text(String(character)))
        }
        text.removeAll(keepingCapacity: true)
    }

    private mutating func controlSequence(final: UInt8, keys: inout [Key]) {
        let marker = sequence.first.flatMap { (0x3C...0x3F).contains($0) ? $0 : nil }
        let parameters = Self.parameters(marker == nil ? sequence[...] : sequence.dropFirst())
        switch (marker, final) {
        case (0x3C, 0x4D):                                              // ESC [ < b ; x ; y M
            guard parameters.count == 3, let button = parameters[0], let x = parameters[1], let y = parameters[2],
                  button & ~0b11100 == 0, x >= 1, y >= 1 else { return }
            keys.append(.tap(column: x - 1, row: y - 1))
        case (nil, 0x4D) where sequence.isEmpty:                        // ESC [ M b x y
            state = .x10Mouse
        case (nil, 0x7E):
            if let key = Self.tildeKeys[parameters.first.flatMap { $0 } ?? 0] { keys.append(key) }
        case (nil, _):
            if let key = Self.letterKeys[final] { keys.append(key) }
        default:
            break                                                       // private sequences: reports, focus
        }
    }

    /// The numeric parameters of a sequence; sub-parameters after `:` are ignored, an empty one is nil.
    private static func parameters(_ bytes: ArraySlice<UInt8>) -> [Int?] {
        guard !bytes.isEmpty else { return [] }
        return bytes.split(separator: 0x3B, omittingEmptySubsequences: false).map { field in
            var value: Int?
            for byte in field {
                guard (0x30...0x39).contains(byte) else { break }
                value = min((value ?? 0) * 10 + Int(byte - 0x30), 99_999)
            }
            return value
        }
    }

    private static let letterKeys: [UInt8: Key] = [
        0x41: .up, 0x42: .down, 0x43: .right, 0x44: .left, 0x48: .home, 0x46: .end,
        0x50: .function(1), 0x51: .function(2), 0x52: .function(3), 0x53: .function(4),
    ]

    private static let singleShiftKeys: [UInt8: Key] = letterKeys.merging([0x4D: .enter]) { $1 }

    private static let tildeKeys: [Int: Key] = [
        1: .home, 7: .home, 4: .end, 8: .end, 3: .delete, 5: .pageUp, 6: .pageDown,
        11: .function(1), 12: .function(2), 13: .function(3), 14: .function(4), 15: .function(5),
        17: .function(6), 18: .function(7), 19: .function(8), 20: .function(9), 21: .function(10),
        23: .function(11), 24: .function(12),
    ]
}
