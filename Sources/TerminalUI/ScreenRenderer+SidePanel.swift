import ScreenModel

/// The chat side panel on the right: a title, the latest lines that fit (each with who wrote it),
/// and at the bottom the reply box or the hint how to open it. The body keeps the rest of the width.
extension ScreenRenderer {
    /// The panel's width for a screen this wide, or nil when the screen is too narrow for one: the
    /// body needs its 52 columns, so below 80 the chat moves into the body as notices instead.
    static func sidePanelWidth(columns: Int) -> Int? {
        guard columns >= 80 else { return nil }
        return min(40, max(26, columns / 3))
    }

    /// Draws `panel` in the columns from `column` to the right edge, rows `top..<bottom`.
    func drawSidePanel(_ panel: SidePanel, column: Int, top: Int, bottom: Int, buffer: inout CellBuffer) {
        guard bottom - top >= 4 else { return }
        let width = buffer.columns - column - 2
        for row in top..<bottom { buffer.put("│", column: column, row: row, style: theme.muted) }
        let left = column + 2
        buffer.put(TextLayout.truncate(panel.title, width: width), column: left, row: top, style: theme.emphasis)

        // The footer of the panel: the reply box (two rows) or the hint (one row).
        var footer: [(String, Style)] = []
        if let draft = panel.draft {
            let shown = TextLayout.suffix(of: Sanitizer.clean(draft), width: max(1, width - 3))
            footer.append(("> " + shown + "▏", theme.fieldValue))
        }
        footer.append((TextLayout.truncate(panel.hint, width: width), theme.muted))

        // The conversation, newest at the bottom: as many whole lines as fit.
        var rows: [(String, Style)] = []
        for line in panel.lines {
            rows.append((TextLayout.truncate(line.from + ":", width: width), line.isOwn ? theme.muted : theme.label))
            for text in TextLayout.wrap(line.text, width: width - 1) {
                rows.append((" " + text, line.isOwn ? theme.muted : theme.base))
            }
        }
        let available = bottom - top - 2 - footer.count
        let shown = rows.suffix(max(0, available))
        var row = top + 2
        for (text, style) in shown {
            buffer.put(text, column: left, row: row, style: style, maxColumns: width)
            row += 1
        }
        row = bottom - footer.count
        for (text, style) in footer {
            buffer.put(text, column: left, row: row, style: style, maxColumns: width)
            row += 1
        }
    }
}
