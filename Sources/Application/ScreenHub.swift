import Flows
import ScreenModel
import Synchronization
import TerminalUI

/// The kiosk's screen as a stream that viewers attach to (DESIGN.md decision 9): the local console,
/// a test, later a remote operator. Each frame is diffed once against the last and the same bytes
/// go to every viewer, so local and remote screens can never disagree.
public final class ScreenHub: Sendable {
    public struct Viewer: Sendable {
        public let id: Int
        /// Terminal bytes: a full frame first, then diffs.
        public let frames: AsyncStream<[UInt8]>
    }

    private struct State {
        var frame: RenderedFrame?
        var viewers: [Int: AsyncStream<[UInt8]>.Continuation] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Makes `frame` the current screen and sends its difference from the previous one to every
    /// viewer. Returns the number of bytes sent to each.
    @discardableResult
    public func publish(_ frame: RenderedFrame) -> Int {
        state.withLock { state in
            let bytes = state.frame.map { FrameEncoder.diff(from: $0.buffer, to: frame.buffer) }
                ?? FrameEncoder.fullFrame(frame.buffer)
            state.frame = frame
            guard !bytes.isEmpty else { return 0 }
            for viewer in state.viewers.values { viewer.yield(bytes) }
            return bytes.count
        }
    }

    /// Attaches a viewer. Its stream starts with a full frame of the current screen.
    public func attach() -> Viewer {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.viewers[id] = continuation
            if let frame = state.frame { continuation.yield(FrameEncoder.fullFrame(frame.buffer)) }
            return id
        }
        continuation.onTermination = { [weak self] _ in self?.detach(id) }
        return Viewer(id: id, frames: stream)
    }

    public func detach(_ id: Int) {
        let continuation = state.withLock { $0.viewers.removeValue(forKey: id) }
        continuation?.finish()
    }

    /// Ends every viewer's stream, at shutdown.
    public func detachAll() {
        let all = state.withLock { state in
            defer { state.viewers = [:] }
            return Array(state.viewers.values)
        }
        for continuation in all { continuation.finish() }
    }

    public var currentFrame: RenderedFrame? { state.withLock { $0.frame } }

    /// Whether a button on the screen sends `key`.
    public func hasButton(for key: Key) -> Bool {
        state.withLock { $0.frame?.hitMap.regions.contains { $0.key == key } ?? false }
    }

    /// The button drawn at that cell of the screen, if any.
    public func button(atColumn column: Int, row: Int) -> HitMap.Region? {
        state.withLock { $0.frame?.hitMap.region(atColumn: column, row: row) }
    }
}
