/// What one step of a flow shows, as a plain description: what is on the screen, not how it is
/// drawn. The renderer lays it out; a remote viewer masks what is marked personal.
public struct Screen: Sendable, Equatable {
    public var language: Language
    /// The service or step name at the top.
    public var title: String
    public var paragraphs: [Paragraph]
    /// Numbered choices; each is chosen by its key or by a tap.
    public var options: [Option]
    /// A text field being typed into, if any.
    public var field: InputField?
    /// The on-screen keys under the field, for a kiosk with a touch screen and no keyboard.
    public var keypad: Keypad?
    /// Banners above the body: services unavailable, kiosk offline, the idle countdown.
    public var notices: [Paragraph]
    /// Always-present commands (Help, language, back), drawn as buttons in the footer.
    public var commands: [Command]
    /// A small line at the very bottom: the kiosk id, online state, and in the demo the simulator keys.
    public var statusLine: String
    /// The chat with a hall operator, beside the body, while there is one.
    public var sidePanel: SidePanel?

    public init(language: Language, title: String, paragraphs: [Paragraph] = [], options: [Option] = [],
                field: InputField? = nil, notices: [Paragraph] = [], commands: [Command] = [],
                statusLine: String = "") {
        self.language = language
        self.title = title
        self.paragraphs = paragraphs
        self.options = options
        self.field = field
        self.notices = notices
        self.commands = commands
        self.statusLine = statusLine
    }
}

extension Screen {
    public struct Paragraph: Sendable, Equatable {
        public enum Style: String, Sendable, Equatable, CaseIterable { case normal, emphasis, warning, success, muted }
        public var text: String
        public var style: Style
        /// Holds personal data (a name, a document number): masked for an operator before consent.
        public var isPersonal: Bool

        public init(_ text: String, style: Style = .normal, isPersonal: Bool = false) {
            self.text = text
            self.style = style
            self.isPersonal = isPersonal
        }
    }

    public struct Option: Sendable, Equatable {
        /// The key that picks it, e.g. `.text("1")`; the renderer shows it as a label.
        public var key: Key
        public var label: String
        /// A second, quieter line (e.g. an issuing department, or why it is unavailable).
        public var detail: String?
        public var isEnabled: Bool
        public var isPersonal: Bool

        public init(key: Key, label: String, detail: String? = nil, isEnabled: Bool = true, isPersonal: Bool = false) {
            self.key = key
            self.label = label
            self.detail = detail
            self.isEnabled = isEnabled
            self.isPersonal = isPersonal
        }
    }

    public struct InputField: Sendable, Equatable {
        public var label: String
        public var value: String
        /// Shown while the value is empty.
        public var placeholder: String
        public var maxLength: Int

        public init(label: String, value: String, placeholder: String, maxLength: Int) {
            self.label = label
            self.value = value
            self.placeholder = placeholder
            self.maxLength = maxLength
        }
    }

    /// Keys drawn under the field: each types its character, `eraseLabel` sends Backspace and
    /// `confirmLabel` Enter, so a touch screen needs no keyboard. A physical keypad works beside it.
    public struct Keypad: Sendable, Equatable {
        public enum Layout: String, Sendable, Equatable {
            /// 0–9: pickup codes, dates.
            case digits
            /// 0–9 and A–Z: passport and application numbers.
            case alphanumeric
        }

        public var layout: Layout
        /// The key that erases the last character, e.g. 删除 / Delete.
        public var eraseLabel: String
        /// The key that ends the entry, e.g. 确认 / OK.
        public var confirmLabel: String
        /// Characters beyond the layout's, after the last row, e.g. `-` in an application number.
        public var extraCharacters: [String]

        public init(layout: Layout, eraseLabel: String, confirmLabel: String, extraCharacters: [String] = []) {
            self.layout = layout
            self.eraseLabel = eraseLabel
            self.confirmLabel = confirmLabel
            self.extraCharacters = extraCharacters
        }

        /// The character keys, row by row as drawn; erase and confirm end the first row.
        public var characterRows: [[String]] {
            let digits = "1234567890".map(String.init)
            var rows = switch layout {
            case .digits: [digits]
            case .alphanumeric: [digits, "ABCDEFGHIJKLM".map(String.init), "NOPQRSTUVWXYZ".map(String.init)]
            }
            rows[rows.count - 1] += extraCharacters
            return rows
        }
    }

    public struct Command: Sendable, Equatable {
        public var key: Key
        /// How the key is written on the button, e.g. `F1` or `Esc`.
        public var keyLabel: String
        public var label: String

        public init(key: Key, keyLabel: String, label: String) {
            self.key = key
            self.keyLabel = keyLabel
            self.label = label
        }
    }
}
