import DeviceKit
import Foundation
import TerminalUI

/// The personal strings of the citizen being served (document number, names, address), and how
/// each is shown to an operator who has no consent: through DeviceKit's ``Masking``, so
/// `460100199001010027` reads `4601**********0027` and `测试样` reads `测*样`, as on a log line.
///
/// The renderer already masks what the flow marks personal (`ScreenRenderer.render(_:columns:rows:maskPersonalData:)`);
/// this is the second line: whatever reaches an operator's frame or message is searched for these
/// strings and they are replaced, in text and in cell buffers alike. The value lives as long as the
/// visit; the kiosk drops it when the visit ends (DESIGN.md decision 7).
public struct PersonalData: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Area prefix and last four stay: ``Masking/documentNumber(_:)``.
        case documentNumber
        /// First and last character stay: ``Masking/name(_:)``.
        case name
        /// Every column becomes `*`: an address, a phone number.
        case other
    }

    public struct Item: Sendable, Hashable {
        public var text: String
        public var kind: Kind
        public init(_ text: String, kind: Kind) {
            self.text = text
            self.kind = kind
        }

        /// How the item is shown without consent.
        public var masked: String {
            switch kind {
            case .documentNumber: Masking.documentNumber(text)
            case .name: Masking.name(text)
            case .other: TextLayout.masked(text)
            }
        }
    }

    /// Longest first, so a name inside an address is not masked before the address is.
    public private(set) var items: [Item] = []

    /// Strings shorter than this are not searched for: masking every `王` on the screen would
    /// hide the kiosk's own words without protecting anyone.
    public static let minimumCharacters = 2

    public init() {}

    public init(_ items: [Item]) {
        for item in items { add(item.text, as: item.kind) }
    }

    /// The personal fields of an identity document.
    public init(identity: Identity) {
        add(identity.number, as: .documentNumber)
        add(identity.name, as: .name)
        if let latinName = identity.latinName { add(latinName, as: .name) }
        if let address = identity.address { add(address, as: .other) }
    }

    public mutating func add(_ text: String, as kind: Kind) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count >= Self.minimumCharacters else { return }
        let item = Item(text, kind: kind)
        guard item.masked != text, !items.contains(where: { $0.text == text }) else { return }
        items.append(item)
        items.sort { $0.text.count > $1.text.count }
    }

    public var isEmpty: Bool { items.isEmpty }

    /// Whether any of the strings appears in `text`.
    public func occurs(in text: String) -> Bool {
        items.contains { text.contains($0.text) }
    }

    /// `text` with every personal string replaced by its masked form.
    public func mask(_ text: String) -> String {
        var text = text
        for item in items where text.contains(item.text) {
            text = text.replacingOccurrences(of: item.text, with: item.masked)
        }
        return text
    }

    /// `buffer` with every personal string found on a row replaced by its masked form, padded with
    /// spaces to the same width and drawn in the style of its first cell.
    ///
    /// A string that the renderer wrapped across two rows is not found here; text the flow marks
    /// personal is masked by the renderer before it is laid out.
    public func mask(_ buffer: CellBuffer) -> CellBuffer {
        guard !items.isEmpty else { return buffer }
        var buffer = buffer
        for row in 0..<buffer.rows {
            guard occurs(in: buffer.text(ofRow: row)) else { continue }
            for item in items { mask(item, row: row, in: &buffer) }
        }
        return buffer
    }

    private func mask(_ item: Item, row: Int, in buffer: inout CellBuffer) {
        let target = item.text.map(String.init)
        var startColumn = 0
        while true {
            // The row's clusters with the column each starts at; continuation halves left out.
            var cells: [(column: Int, text: String)] = []
            for column in startColumn..<buffer.columns where !buffer[column, row].isContinuation {
                cells.append((column, buffer[column, row].text))
            }
            guard let start = Self.firstMatch(of: target, in: cells.map(\.text)) else { return }
            let first = cells[start], last = cells[start + target.count - 1]
            let width = last.column + displayWidth(of: last.text) - first.column
            var replacement = item.masked
            let used = displayWidth(of: replacement)
            if used <= width {
                replacement += String(repeating: " ", count: width - used)
            } else {
                replacement = TextLayout.masked(item.text)
            }
            buffer.put(replacement, column: first.column, row: row, style: buffer[first.column, row].style,
                       maxColumns: width)
            startColumn = first.column + width
            if startColumn >= buffer.columns { return }
        }
    }

    private static func firstMatch(of target: [String], in texts: [String]) -> Int? {
        guard !target.isEmpty, texts.count >= target.count else { return nil }
        outer: for start in 0...(texts.count - target.count) {
            for offset in target.indices where texts[start + offset] != target[offset] { continue outer }
            return start
        }
        return nil
    }
}
