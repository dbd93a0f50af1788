import TerminalUI

/// The kiosk's screen as operators may see it: the cell buffer the citizen sees, and the same
/// screen with personal data masked, for operators without consent.
///
/// Both come from the same session screen (DESIGN.md decision 9): the kiosk renders it once as
/// usual and once with `maskPersonalData: true`, and this value runs the masked one through
/// ``PersonalData``'s cell-buffer `mask(_:)` once more, so nothing the flow forgot to mark as
/// personal slips through.
public struct MirrorScreen: Sendable, Equatable {
    /// What the citizen sees; shown only to the operator holding the takeover.
    public let plain: CellBuffer
    /// What every other operator sees.
    public let masked: CellBuffer

    /// `masked` defaults to `plain`; it is always searched for `personalData`.
    public init(plain: CellBuffer, masked: CellBuffer? = nil, personalData: PersonalData = PersonalData()) {
        self.plain = plain
        self.masked = personalData.mask(masked ?? plain)
    }

    /// A screen of plain text lines, for tests, tools and a kiosk that has no renderer at hand.
    public static func text(_ lines: [String], columns: Int, rows: Int,
                            personalData: PersonalData = PersonalData()) -> MirrorScreen {
        var buffer = CellBuffer(columns: columns, rows: rows)
        for (row, line) in lines.prefix(rows).enumerated() {
            buffer.put(line, column: 0, row: row, style: .plain)
        }
        return MirrorScreen(plain: buffer, personalData: personalData)
    }

    /// The buffer for an operator with or without consent.
    public func buffer(unmasked: Bool) -> CellBuffer { unmasked ? plain : masked }
}

/// What one operator's terminal shows, so that each frame sent is the difference from it: a full
/// frame first (and after ``reset()``), then diffs. Switching between the masked and plain screen
/// when consent changes is one more diff.
public struct FrameStream: Sendable {
    private var shown: CellBuffer?

    public init() {}

    /// Whether the next frame will be full.
    public var needsFullFrame: Bool { shown == nil }

    /// Forgets what the terminal shows: the next frame is full. For a viewer that lost frames.
    public mutating func reset() { shown = nil }

    /// The frame that brings the terminal to `screen`, or nil when it already shows it.
    public mutating func frame(for screen: MirrorScreen, unmasked: Bool) -> FrameMessage? {
        let buffer = screen.buffer(unmasked: unmasked)
        defer { shown = buffer }
        guard let shown, shown.columns == buffer.columns, shown.rows == buffer.rows else {
            return FrameMessage(full: true, data: FrameEncoder.fullFrame(buffer), columns: buffer.columns, rows: buffer.rows)
        }
        let bytes = FrameEncoder.diff(from: shown, to: buffer)
        guard !bytes.isEmpty else { return nil }
        return FrameMessage(full: false, data: bytes, columns: buffer.columns, rows: buffer.rows)
    }
}
