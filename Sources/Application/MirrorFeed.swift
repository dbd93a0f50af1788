import Flows
import RemoteWindow
import ScreenModel
import Synchronization
import TerminalUI

/// The kiosk's screen as the remote window needs it, with the visit it belongs to. The runtime
/// publishes only while someone watches, and only what it has already computed for the citizen's
/// own screen: the masked rendering (see ``MirrorScreen``) is made by the watcher, off the kiosk's
/// own path. A watcher that falls behind gets the newest screen only: each operator's frames are
/// diffs from what that operator was last sent, so skipping screens loses nothing.
public final class MirrorFeed: Sendable {
    public struct Update: Sendable, Equatable {
        /// What the citizen's screen shows, and its rendering for them.
        public let shown: Screen
        public let plain: CellBuffer
        public let columns: Int
        public let rows: Int
        /// The visit's document strings, searched for once more in the masked rendering.
        public let personalData: PersonalData
        /// Counts finished visits: when it changes, the citizen who consented has gone.
        public let visit: Int

        /// The screen for operators: personal fields masked by the renderer, and the visit's
        /// document strings masked wherever else they appear (DESIGN.md decision 7).
        public func mirrorScreen(renderer: ScreenRenderer) -> MirrorScreen {
            let masked = renderer.render(shown, columns: columns, rows: rows, maskPersonalData: true)
            return MirrorScreen(plain: plain, masked: masked.buffer, personalData: personalData)
        }
    }

    private struct State {
        var latest: Update?
        var watchers: [Int: AsyncStream<Update>.Continuation] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var isWatched: Bool { state.withLock { !$0.watchers.isEmpty } }

    /// The newest screen while someone watches, nil otherwise.
    public var latest: Update? { state.withLock { $0.latest } }

    public func publish(_ update: Update) {
        state.withLock { state in
            guard state.latest != update else { return }
            state.latest = update
            for watcher in state.watchers.values { watcher.yield(update) }
        }
    }

    /// Starts watching; the stream begins with the newest screen if one is known (the runtime
    /// renders one within a second, at its next tick, otherwise).
    public func watch() -> (id: Int, updates: AsyncStream<Update>) {
        let (stream, continuation) = AsyncStream<Update>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.watchers[id] = continuation
            if let latest = state.latest { continuation.yield(latest) }
            return id
        }
        continuation.onTermination = { [weak self] _ in self?.stop(id) }
        return (id, stream)
    }

    public func stop(_ id: Int) {
        let continuation = state.withLock { state in
            let continuation = state.watchers.removeValue(forKey: id)
            // Not rendered while nobody watches: a screen kept from then would be stale.
            if state.watchers.isEmpty { state.latest = nil }
            return continuation
        }
        continuation?.finish()
    }

    public func stopAll() {
        let all = state.withLock { state in
            defer { state.watchers = [:]; state.latest = nil }
            return Array(state.watchers.values)
        }
        for continuation in all { continuation.finish() }
    }
}
