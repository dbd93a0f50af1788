import ScreenModel
import Synchronization
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
    /// Tells this screen apart from every other, for ``FrameStream``'s shared diffs.
    let sequence: Int
    /// The frames already computed to this screen, shared by every operator that showed the same
    /// screen before: fifty observers cost one diff, not fifty.
    let memo = FrameMemo()

    private static let sequences = Atomic<Int>(0)

    /// `masked` defaults to `plain`; it is always searched for `personalData`.
    public init(plain: CellBuffer, masked: CellBuffer? = nil, personalData: PersonalData = PersonalData()) {
        self.plain = plain
        self.masked = personalData.mask(masked ?? plain)
        sequence = Self.sequences.add(1, ordering: .relaxed).newValue
    }

    /// Two screens are equal when they show the same: how they were computed does not matter.
    public static func == (lhs: MirrorScreen, rhs: MirrorScreen) -> Bool {
        lhs.plain == rhs.plain && lhs.masked == rhs.masked
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
    /// Which screen, and which rendering of it, the terminal shows: the key to the shared diffs.
    private var shownKey: FrameMemo.Key?

    public init() {}

    /// Whether the next frame will be full.
    public var needsFullFrame: Bool { shown == nil }

    /// Forgets what the terminal shows: the next frame is full. For a viewer that lost frames.
    public mutating func reset() {
        shown = nil
        shownKey = nil
    }

    /// The frame that brings the terminal to `screen`, or nil when it already shows it.
    public mutating func frame(for screen: MirrorScreen, unmasked: Bool) -> FrameMessage? {
        let buffer = screen.buffer(unmasked: unmasked)
        let key = FrameMemo.Key(fromSequence: shownKey?.fromSequence, fromUnmasked: shownKey?.fromUnmasked, unmasked: unmasked)
        let previous = shown
        shown = buffer
        shownKey = FrameMemo.Key(fromSequence: screen.sequence, fromUnmasked: unmasked, unmasked: unmasked)
        return screen.memo.frame(for: key) {
            guard let previous, previous.columns == buffer.columns, previous.rows == buffer.rows else {
                return FrameMessage(full: true, data: FrameEncoder.fullFrame(buffer), columns: buffer.columns, rows: buffer.rows)
            }
            let bytes = FrameEncoder.diff(from: previous, to: buffer)
            guard !bytes.isEmpty else { return nil }
            return FrameMessage(full: false, data: bytes, columns: buffer.columns, rows: buffer.rows)
        }
    }
}

/// The frames computed to one screen, by what the operator's terminal showed before.
final class FrameMemo: Sendable {
    struct Key: Hashable, Sendable {
        /// The screen shown before; nil: nothing (a full frame).
        var fromSequence: Int?
        var fromUnmasked: Bool?
        var unmasked: Bool
    }

    private let frames = Mutex<[Key: FrameMessage?]>([:])

    /// The frame for `key`, made by `make` the first time.
    func frame(for key: Key, make: () -> FrameMessage?) -> FrameMessage? {
        if let known = frames.withLock({ $0[key] }) { return known }
        let made = make()
        frames.withLock { $0[key] = made }
        return made
    }
}
