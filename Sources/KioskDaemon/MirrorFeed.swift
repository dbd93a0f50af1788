import RemoteWindow
import Synchronization

/// The kiosk's screen as the remote window needs it: the citizen's rendering and the masked one
/// (see ``MirrorScreen``), with the visit it belongs to. The runtime renders the masked screen only
/// while someone watches. A watcher that falls behind gets the newest screen only: each operator's
/// frames are diffs from what that operator was last sent, so skipping screens loses nothing.
public final class MirrorFeed: Sendable {
    public struct Update: Sendable, Equatable {
        public let screen: MirrorScreen
        /// Counts finished visits: when it changes, the citizen who consented has gone.
        public let visit: Int
    }

    private struct State {
        var latest: Update?
        var watchers: [Int: AsyncStream<Update>.Continuation] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var isWatched: Bool { state.withLock { !$0.watchers.isEmpty } }

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
