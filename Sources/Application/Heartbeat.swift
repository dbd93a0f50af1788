import Synchronization

/// When something last showed it is alive.
public final class Heartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)
    public init() {}

    public func beat() { last.withLock { $0 = .now } }
    public var age: Duration { ContinuousClock.now - last.withLock { $0 } }
}
