import ScreenModel

/// Draws a ``Screen`` description into a fresh ``CellBuffer``, and records where its buttons are.
///
/// The layout, from the top: a title bar; the notices as banners; a blank line; the paragraphs,
/// wrapped; the input field as `label: [ value___ ]` with its on-screen keypad below; the options as
/// buttons, one per line (two columns when there are more than six and room for them), each with its
/// detail on the next line. Above the last row, a band of three rows holds the commands (Help,
/// language, back) as buttons big enough for a finger (one row on a screen too small for that), and
/// the last row the status line. Content is centred in a column of at most ``maxContentWidth`` so a
/// wide screen does not make lines hard to follow. When the body does not fit, the keypad's rows
/// close up first, then paragraphs are cut, then the rest, each cut marked with `…`; the footer is
/// never drawn over.
///
/// The renderer decides nothing: it draws what the session describes, in the order it describes it.
public struct ScreenRenderer: Sendable {
    public var theme: Theme
    /// The widest the content column grows on a big screen.
    public var maxContentWidth = 100
    /// How tall a command button and an on-screen key are: at 80×24 on a 19-inch panel a cell is
    /// about 4.8 × 12 mm, so three rows by five columns make a key a finger hits.
    public static let buttonRows = 3
    /// Screens shorter than this draw the commands in one row, to leave room for the body.
    public static let tallButtonsMinimumRows = 12

    public init(theme: Theme = .highContrast) {
        self.theme = theme
    }

    /// Draws `screen` at the given size. With `maskPersonalData`, the text of paragraphs, notices and
    /// options marked personal, and the field's value, are drawn as `*` of the same width: what a
    /// remote operator sees before the citizen consents. `pressed`, a button of the previous frame
    /// that was just tapped, is drawn in the pressed style where the same button stands in this one.
    public func render(_ screen: Screen, columns: Int, rows: Int, maskPersonalData: Bool = false,
                       pressed: HitMap.Region? = nil) -> RenderedFrame {
        var buffer = CellBuffer(columns: columns, rows: rows, style: theme.base)
        var hitMap = HitMap()
        guard buffer.columns > 0, buffer.rows > 0 else { return RenderedFrame(buffer: buffer, hitMap: hitMap) }
        // With a chat panel the body keeps the columns left of it; a narrow screen shows the chat
        // in the body instead.
        var screen = screen
        var panel: (SidePanel, width: Int)?
        if let sidePanel = screen.sidePanel {
            if let panelWidth = Self.sidePanelWidth(columns: buffer.columns) {
                panel = (sidePanel, panelWidth)
            } else {
                screen.notices += sidePanel.lines.suffix(3).map { Screen.Paragraph($0.from + ": " + $0.text, style: .emphasis) }
                if let draft = sidePanel.draft { screen.notices.append(Screen.Paragraph("> " + draft, style: .normal)) }
            }
        }
        let bodyColumns = buffer.columns - (panel?.width ?? 0)
        let width = bodyColumns >= 4 ? min(bodyColumns - 2, maxContentWidth) : bodyColumns
        let left = (bodyColumns - width) / 2
        var context = Context(theme: theme, width: width, mask: maskPersonalData)

        buffer.fill(Rect(column: 0, row: 0, columns: buffer.columns, rows: 1), style: theme.titleBar)
        buffer.put(TextLayout.truncate(screen.title, width: width), column: left, row: 0, style: theme.titleBar)

        let statusRow = buffer.rows >= 2 ? buffer.rows - 1 : nil
        let bandRows = buffer.rows >= Self.tallButtonsMinimumRows ? Self.buttonRows : 1
        let commandTop = buffer.rows >= 3 ? buffer.rows - 1 - bandRows : nil
        if let statusRow {
            buffer.put(TextLayout.truncate(screen.statusLine, width: width), column: left, row: statusRow,
                       style: theme.muted)
        }
        if let commandTop {
            // The band runs under the chat panel too: every command needs its room.
            let bandWidth = max(width, buffer.columns - left - 1)
            drawCommands(screen.commands, band: Rect(column: left, row: commandTop, columns: bandWidth, rows: bandRows),
                         buffer: &buffer, hitMap: &hitMap)
        }

        let bodyTop = 1
        let bodyBottom = commandTop ?? statusRow ?? buffer.rows
        let available = max(0, bodyBottom - bodyTop)
        var bodyLines = context.bodyLines(for: screen)
        if bodyLines.count > available, screen.keypad != nil {
            // Rows of keys closer together before anything is cut.
            context.keyRowGap = 0
            bodyLines = context.bodyLines(for: screen)
        }
        let lines = fit(bodyLines, into: available, width: width)
        for (offset, line) in lines.enumerated() {
            let row = bodyTop + offset
            if let background = line.background {
                buffer.fill(Rect(column: left, row: row, columns: width, rows: 1), style: background)
            }
            for span in line.spans {
                buffer.put(span.text, column: left + span.column, row: row, style: span.style,
                           maxColumns: width - span.column)
            }
            for hit in line.hits {
                hitMap.add(Rect(column: left + hit.columns.lowerBound, row: row, columns: hit.columns.count, rows: 1),
                           key: hit.key)
            }
        }
        if let (sidePanel, _) = panel {
            drawSidePanel(sidePanel, column: bodyColumns, top: bodyTop, bottom: bodyBottom, buffer: &buffer)
        }
        if let pressed, hitMap.regions.contains(pressed) {
            buffer.restyle(pressed.rect, style: theme.pressed)
        }
        return RenderedFrame(buffer: buffer, hitMap: hitMap)
    }

    /// The commands as buttons from the left, e.g. ` F1  求助 ` on the middle row of a block as tall
    /// as the band, as many as fit with some of their words.
    private func drawCommands(_ commands: [Screen.Command], band: Rect, buffer: inout CellBuffer, hitMap: inout HitMap) {
        var column = band.column
        let end = band.column + band.columns
        let textRow = band.row + band.rows / 2
        for command in commands {
            let cap = " " + TextLayout.truncate(command.keyLabel, width: 8) + " "
            let capWidth = displayWidth(of: cap)
            let room = end - column - capWidth - 2
            guard room >= min(2, displayWidth(of: command.label)) else { break }
            let label = TextLayout.truncate(command.label, width: room)
            let buttonWidth = min(capWidth + 1 + displayWidth(of: label) + 1, end - column)
            let button = Rect(column: column, row: band.row, columns: buttonWidth, rows: band.rows)
            buffer.fill(button, style: theme.key)
            buffer.put(cap + " " + label, column: column, row: textRow, style: theme.key, maxColumns: buttonWidth)
            hitMap.add(button, key: command.key)
            column += buttonWidth + 2
        }
    }

    /// Cuts `lines` to `available` rows: paragraph lines go first (keeping at least one), then the end.
    private func fit(_ lines: [BodyLine], into available: Int, width: Int) -> [BodyLine] {
        guard lines.count > available else { return lines }
        var lines = lines
        let paragraphIndices = lines.indices.filter { lines[$0].isParagraph }
        if let last = paragraphIndices.last, paragraphIndices.count > 1 {
            let removable = min(lines.count - available, paragraphIndices.count - 1)
            if removable > 0 {
                lines.removeSubrange((last - removable + 1)...last)
                lines[last - removable].markCut(width: width)
            }
        }
        guard lines.count > available else { return lines }
        guard available > 0 else { return [] }
        lines.removeSubrange(available...)
        if lines[available - 1].isParagraph {
            lines[available - 1].markCut(width: width)
        } else {
            lines[available - 1] = BodyLine(spans: [Span(column: 0, text: TextLayout.ellipsis, style: theme.muted)])
        }
        return lines
    }
}

/// One row of the body, laid out relative to the content column.
struct BodyLine {
    var spans: [Span] = []
    /// A banner's style, filling the content width.
    var background: Style?
    var hits: [(columns: Range<Int>, key: Key)] = []
    var isParagraph = false

    static let blank = BodyLine()

    /// Ends the line with `…` to say that text was left out after it.
    mutating func markCut(width: Int) {
        guard var last = spans.popLast() else { return }
        last.text = TextLayout.withEllipsis(last.text, width: width - last.column)
        spans.append(last)
    }
}

struct Span {
    var column: Int
    var text: String
    var style: Style
}

/// What the body-building functions share.
private struct Context {
    let theme: Theme
    let width: Int
    let mask: Bool
    /// Blank rows between two rows of on-screen keys.
    var keyRowGap = 1

    func visible(_ text: String, personal: Bool) -> String {
        mask && personal ? TextLayout.masked(text) : text
    }

    func bodyLines(for screen: Screen) -> [BodyLine] {
        var lines: [BodyLine] = []
        for notice in screen.notices {
            let style = theme.style(for: notice.style)
            for text in TextLayout.wrap(visible(notice.text, personal: notice.isPersonal), width: width - 2) {
                lines.append(BodyLine(spans: [Span(column: 1, text: text, style: style)], background: style))
            }
        }
        lines.append(.blank)
        for paragraph in screen.paragraphs {
            let style = theme.style(for: paragraph.style)
            for text in TextLayout.wrap(visible(paragraph.text, personal: paragraph.isPersonal), width: width) {
                lines.append(BodyLine(spans: [Span(column: 0, text: text, style: style)], isParagraph: true))
            }
        }
        if let field = screen.field {
            if !screen.paragraphs.isEmpty { lines.append(.blank) }
            lines.append(fieldLine(field))
        }
        if let keypad = screen.keypad {
            lines.append(.blank)
            lines += keypadLines(keypad)
        }
        if !screen.options.isEmpty {
            if !screen.paragraphs.isEmpty || screen.field != nil { lines.append(.blank) }
            lines += optionLines(screen.options)
        }
        return lines
    }

    /// `label: [ value___ ]`, the placeholder muted while the value is empty.
    func fieldLine(_ field: Screen.InputField) -> BodyLine {
        let value = visible(Sanitizer.clean(field.value), personal: true)
        let placeholder = Sanitizer.clean(field.placeholder)
        let wanted = max(field.maxLength, displayWidth(of: placeholder), displayWidth(of: value), 1)
        let labelBudget = max(0, width - min(wanted, max(8, width / 2)) - 6)
        let label = TextLayout.truncate(field.label, width: labelBudget)
        var column = 0
        var line = BodyLine()
        if !label.isEmpty {
            line.spans.append(Span(column: 0, text: label + ":", style: theme.base))
            column = displayWidth(of: label) + 2
        }
        let box = max(1, min(wanted, width - column - 4))
        line.spans.append(Span(column: column, text: "[ ", style: theme.base))
        column += 2
        if value.isEmpty {
            let shown = TextLayout.truncate(placeholder, width: box)
            let padding = String(repeating: " ", count: box - displayWidth(of: shown))
            line.spans.append(Span(column: column, text: shown + padding, style: theme.muted))
        } else {
            let shown = TextLayout.suffix(of: value, width: box)
            let shownWidth = displayWidth(of: shown)
            line.spans.append(Span(column: column, text: shown, style: theme.fieldValue))
            line.spans.append(Span(column: column + shownWidth, text: String(repeating: "_", count: box - shownWidth),
                                   style: theme.muted))
        }
        line.spans.append(Span(column: column + box, text: " ]", style: theme.base))
        return line
    }

    /// The on-screen keys, centred: rows of keys ``ScreenRenderer/buttonRows`` tall, `keyRowGap`
    /// apart, erase and confirm at the end of the first; a row wider than the column wraps. A key's
    /// bottom row is underlined, so keys touching from above and below stay apart.
    func keypadLines(_ keypad: Screen.Keypad) -> [BodyLine] {
        var keyRows = keypad.characterRows.map { $0.map { (label: $0, key: Key.text($0)) } }
        keyRows[0] += [(keypad.eraseLabel, .backspace), (keypad.confirmLabel, .enter)]
        let wrapped = keyRows.flatMap { row in
            TextLayout.pack(row, width: width, gap: 1) { min(Self.keyWidth($0.label), width) }
        }
        var lines: [BodyLine] = []
        for (index, row) in wrapped.enumerated() {
            if index > 0 { lines += Array(repeating: .blank, count: keyRowGap) }
            let rowWidth = row.map { min(Self.keyWidth($0.label), width) }.reduce(0, +) + row.count - 1
            var column = max(0, (width - rowWidth) / 2)
            var keyLines = Array(repeating: BodyLine(), count: ScreenRenderer.buttonRows)
            for (label, key) in row {
                let keyWidth = min(Self.keyWidth(label), width)
                let text = TextLayout.truncate(label, width: max(0, keyWidth - 2))
                let padding = (keyWidth - displayWidth(of: text)) / 2
                let blank = String(repeating: " ", count: keyWidth)
                let middle = String(repeating: " ", count: padding) + text
                    + String(repeating: " ", count: keyWidth - padding - displayWidth(of: text))
                var edge = theme.key
                edge.underline = true
                for offset in keyLines.indices {
                    let shown = offset == ScreenRenderer.buttonRows / 2 ? middle : blank
                    let style = offset == keyLines.count - 1 ? edge : theme.key
                    keyLines[offset].spans.append(Span(column: column, text: shown, style: style))
                    keyLines[offset].hits.append((columns: column..<(column + keyWidth), key: key))
                }
                column += keyWidth + 1
            }
            lines += keyLines
        }
        return lines
    }

    /// Five columns for a character, more for a word such as 删除 or Delete.
    static func keyWidth(_ label: String) -> Int { max(5, displayWidth(of: label) + 4) }

    /// One option per line, or two columns (numbered down, then across) when there are more than six.
    func optionLines(_ options: [Screen.Option]) -> [BodyLine] {
        let twoColumns = options.count > 6 && width >= 60
        guard twoColumns else {
            return options.flatMap { optionBlock($0, column: 0, width: width) }
        }
        let columnWidth = (width - 2) / 2
        let half = (options.count + 1) / 2
        var lines: [BodyLine] = []
        for index in 0..<half {
            let leftBlock = optionBlock(options[index], column: 0, width: columnWidth)
            let rightBlock = index + half < options.count
                ? optionBlock(options[index + half], column: columnWidth + 2, width: columnWidth) : []
            for row in 0..<max(leftBlock.count, rightBlock.count) {
                var line = BodyLine()
                for block in [leftBlock, rightBlock] where row < block.count {
                    line.spans += block[row].spans
                    line.hits += block[row].hits
                }
                lines.append(line)
            }
        }
        return lines
    }

    /// ` 1  证照领取 Collect ` with the key cap inverse, and the detail muted and indented below.
    func optionBlock(_ option: Screen.Option, column: Int, width: Int) -> [BodyLine] {
        let cap = " " + TextLayout.truncate(Self.caption(for: option.key), width: 8) + " "
        let capWidth = displayWidth(of: cap)
        let textColumn = column + capWidth + 1
        let textWidth = max(0, width - capWidth - 1)
        let capStyle = option.isEnabled ? theme.key : theme.disabled
        let labelStyle = option.isEnabled ? theme.label : theme.disabled
        let detailStyle = option.isEnabled ? theme.muted : theme.disabled
        let hit = (columns: column..<(column + width), key: option.key)

        let label = TextLayout.truncate(visible(option.label, personal: option.isPersonal), width: textWidth)
        var lines = [BodyLine(spans: [Span(column: column, text: cap, style: capStyle),
                                      Span(column: textColumn, text: label, style: labelStyle)],
                              hits: [hit])]
        if let detail = option.detail, !detail.isEmpty {
            let text = TextLayout.truncate(visible(detail, personal: option.isPersonal), width: textWidth)
            lines.append(BodyLine(spans: [Span(column: textColumn, text: text, style: detailStyle)], hits: [hit]))
        }
        return lines
    }

    /// How a key is written on its button.
    static func caption(for key: Key) -> String {
        switch key {
        case .text(let text): text
        case .function(let number): "F\(number)"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .tab: "Tab"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .tap, .touch: ""
        }
    }
}
