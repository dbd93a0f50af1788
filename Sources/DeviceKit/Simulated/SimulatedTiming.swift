import Dispatch

/// Each simulated device keeps time on its own serial dispatch queue, the way a real driver runs its
/// blocking I/O on its own thread (DESIGN.md decision 2): nothing here sleeps on the cooperative pool.
struct SimulatedTiming: Sendable {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: "kiosk.simulated.\(label)")
    }

    /// Runs `work` on the device's queue once `delay` has passed.
    func after(_ delay: Duration, _ work: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + Self.interval(delay), execute: work)
    }

    /// Runs `work` on the device's queue at `deadline`.
    func at(_ deadline: DispatchTime, _ work: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: deadline, execute: work)
    }

    /// Suspends the caller (without blocking a thread) until `work` has run on the device's queue
    /// after `delay`, and returns what it returned.
    func wait<T: Sendable>(_ delay: Duration, then work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            after(delay) { continuation.resume(returning: work()) }
        }
    }

    /// Suspends the caller until `work` has run on the device's queue at `deadline`.
    func wait<T: Sendable>(until deadline: DispatchTime, then work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            at(deadline) { continuation.resume(returning: work()) }
        }
    }

    static func interval(_ duration: Duration) -> DispatchTimeInterval {
        guard duration > .zero else { return .nanoseconds(0) }
        let (seconds, attoseconds) = duration.components
        // More than a century is "never" for a simulated latency.
        guard seconds < 3_000_000_000 else { return .never }
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
