/// The keys of the keypad benchmark, the same over the pty and in process: 12 digits typed into the
/// empty pickup-code field (its maximum length), then 12 Backspaces, over and over. Every key changes
/// the one field; the first digit and the last Backspace also swap the placeholder for the value.
enum KeypadSweep {
    enum KeyPress: Equatable {
        case digit(String)
        case backspace

        /// The bytes a terminal sends for it.
        var bytes: [UInt8] {
            switch self {
            case .digit(let digit): Array(digit.utf8)
            case .backspace: [0x7F]
            }
        }
    }

    static let fieldLength = 12

    static func key(at index: Int) -> KeyPress {
        let position = index % (2 * fieldLength)
        return position < fieldLength ? .digit(String((index / 3 + position) % 10)) : .backspace
    }

    /// Whether the key empties or fills an empty field, so the placeholder is swapped too.
    static func swapsPlaceholder(at index: Int) -> Bool {
        let position = index % (2 * fieldLength)
        return position == 0 || position == 2 * fieldLength - 1
    }
}
