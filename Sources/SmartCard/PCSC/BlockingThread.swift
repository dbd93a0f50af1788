import Foundation
import Synchronization

/// A thread of its own for blocking calls (pcsclite waits, card I/O), so they never hold one of
/// Swift's cooperative threads. Jobs run one at a time in order; callers await their results.
public final class BlockingThread: Sendable {
    private struct Queue {
        var jobs: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let signal = DispatchSemaphore(value: 0)

    public init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    private func loop() {
        while true {
            signal.wait()
            let job = queue.withLock { queue -> (@Sendable () -> Void)?? in
                if !queue.jobs.isEmpty { return .some(queue.jobs.removeFirst()) }
                return queue.stopped ? .none : .some(nil)
            }
            guard let job else { return }
            job?()
        }
    }

    /// Runs `work` on the thread and returns its result. After ``stop()`` it fails with `cancelled`.
    public func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws -> T {
        let result: Result<T, E>? = await withCheckedContinuation { continuation in
            let accepted = queue.withLock { queue -> Bool in
                guard !queue.stopped else { return false }
                queue.jobs.append { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
                return true
            }
            if accepted { signal.signal() } else { continuation.resume(returning: nil) }
        }
        guard let result else { throw CardError.cancelled }
        return try result.get()
    }

    /// Lets queued jobs finish, then ends the thread.
    public func stop() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.stopped = true }
            return !queue.stopped
        }
        if first { signal.signal() }
    }
}
