import Foundation
import TerminalUI

/// An operator's chat line is outside input that ends up on the citizen's screen: it is made plain
/// text by TerminalUI's ``Sanitizer`` (no control characters, escape sequences or bidirectional
/// overrides; line breaks become spaces), trimmed, and capped in length (DESIGN.md decision 8).
public enum ChatText {
    /// The longest line, in characters: the side panel shows a few lines, not a letter.
    public static let maxCharacters = 500

    /// The cleaned text, and whether it was cut to `maxCharacters`.
    public static func clean(_ text: String, maxCharacters: Int = ChatText.maxCharacters) -> (text: String, truncated: Bool) {
        // Escape sequences take several characters each; past this much input nothing more can show.
        let bounded = text.prefix(maxCharacters * 4 + 64)
        let cleaned = Sanitizer.clean(String(bounded)).trimmingCharacters(in: .whitespaces)
        if cleaned.count > maxCharacters { return (String(cleaned.prefix(maxCharacters)), true) }
        return (cleaned, bounded.endIndex != text.endIndex)
    }
}
