import Foundation
import OutboxStatus
import Synchronization

/// The shared link state: written by the parts that talk to the platform, read by the runtime,
/// which is told of every change between online and offline.
public final class PlatformLink: Sendable {
    private struct State {
        var link: PlatformLinkState
        var observers: [@Sendable (PlatformLinkState) -> Void] = []
    }

    private let state: Mutex<State>

    public init(_ initial: PlatformLinkState = .unknown) {
        state = Mutex(State(link: initial))
    }

    public var current: PlatformLinkState { state.withLock { $0.link } }

    /// Calls `observer` on every change of online/offline (not on every request).
    public func observe(_ observer: @escaping @Sendable (PlatformLinkState) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// A request got a proper answer.
    public func reachedPlatform(now: Date = .now) {
        update { current in current.isOnline ? nil : .online(since: now) }
    }

    /// A request got no proper answer.
    public func lostPlatform(reason: String, now: Date = .now) {
        update { current in
            if case let .offline(since, oldReason) = current {
                return oldReason == reason ? nil : .offline(since: since, reason: reason)
            }
            return .offline(since: now, reason: reason)
        }
    }

    private func update(_ change: (PlatformLinkState) -> PlatformLinkState?) {
        let (changed, observers) = state.withLock { state -> (PlatformLinkState?, [@Sendable (PlatformLinkState) -> Void]) in
            guard let next = change(state.link) else { return (nil, []) }
            let wasOnline = state.link.isOnline
            state.link = next
            return (wasOnline != next.isOnline || !wasOnline ? next : nil, state.observers)
        }
        if let changed {
            for observer in observers { observer(changed) }
        }
    }
}
