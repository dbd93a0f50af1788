import ScreenModel

/// Draws a ``Screen`` description into a fresh ``CellBuffer``, and records where its buttons are.
///
/// The layout, from the top: a title bar; the notices as banners; a blank line; the paragraphs,
/// wrapped; the input field as `label: [ value___ ]`; the options as buttons, one per line (two
/// columns when there are more than six and room for them), each with its detail on the next line.
/// The second-last row holds the commands (Help, language, back) as buttons and the last row the
/// status line. Content is centred in a column of at most ``maxContentWidth`` so a wide screen does not
/// make lines hard to follow. When the body does not fit, paragraphs are cut first, then the rest,
/// each cut marked with `…`; the two footer rows are never drawn over.
///
/// The renderer decides nothing: it draws what the session describes, in the order it describes it.
public struct ScreenRenderer: Sendable {
    public var theme: Theme
    /// The widest the content column grows on a big screen.
    public var maxContentWidth = 100

    public init(theme: Theme = .highContrast) {
        self.theme = theme
    }

    /// Draws `screen` at the given size. With `maskPersonalData`, the text of paragraphs, notices and
    /// options marked personal, and the field's value, are drawn as `*` of the same width: what a
    /// remote operator sees before the citizen consents.
    public func render(_ screen: Screen, columns: Int, rows: Int, maskPersonalData: Bool = false) -> RenderedFrame {
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
        let context = Context(theme: theme, width: width, mask: maskPersonalData)

        buffer.fill(Rect(column: 0, row: 0, columns: buffer.columns, rows: 1), style: theme.titleBar)
        buffer.put(TextLayout.truncate(screen.title, width: width), column: left, row: 0, style: theme.titleBar)

        let statusRow = buffer.rows >= 2 ? buffer.rows - 1 : nil
        let commandRow = buffer.rows >= 3 ? buffer.rows - 2 : nil
        if let statusRow {
            buffer.put(TextLayout.truncate(screen.statusLine, width: width), column: left, row: statusRow,
                       style: theme.muted)
        }
        if let commandRow {
            drawCommands(screen.commands, row: commandRow, left: left, width: width, buffer: &buffer, hitMap: &hitMap)
        }

        let bodyTop = 1
        let bodyBottom = commandRow ?? statusRow ?? buffer.rows
        let lines = fit(context.bodyLines(for: screen), into: max(0, bodyBottom - bodyTop), width: width)
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
        return RenderedFrame(buffer: buffer, hitMap: hitMap)
    }

    /// The commands as buttons from the left, e.g. ` F1  求助 `, as many as fit.
    private func drawCommands(_ commands: [Screen.Command], row: Int, left: Int, width: Int,
                              buffer: inout CellBuffer, hitMap: inout HitMap) {
        var column = left
        let end = left + width
        for command in commands {
            let cap = " " + TextLayout.truncate(command.keyLabel, width: 8) + " "
            let capWidth = displayWidth(of: cap)
            guard column + capWidth <= end else { break }
            let label = TextLayout.truncate(command.label, width: end - column - capWidth - 2)
            let buttonWidth = capWidth + 1 + displayWidth(of: label) + 1
            buffer.put(cap, column: column, row: row, style: theme.key)
            buffer.put(label, column: column + capWidth + 1, row: row, style: theme.label,
                       maxColumns: end - column - capWidth - 1)
            hitMap.add(Rect(column: column, row: row, columns: min(buttonWidth, end - column), rows: 1), key: command.key)
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
        case .tap: ""
        }
    }
}
