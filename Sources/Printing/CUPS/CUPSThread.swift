import Foundation
import Synchronization

/// A thread of its own for libcups, whose calls block (network round trips, job waits). Work runs
/// one closure at a time, in order, so a `CUPSSession` confined to the thread needs no lock; callers
/// await the result without holding a thread of Swift's cooperative pool (DESIGN.md decision 2).
final class CUPSThread: Sendable {
    private struct Queue {
        var work: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let wake = NSCondition()

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let work: @Sendable () -> Void = { continuation.resume(returning: body()) }
            // After stop(), a straggler still runs off the cooperative pool, on a thread of its own.
            if !enqueue(work) { Thread.detachNewThread(work) }
        }
    }

    /// Queues `body` without waiting; false when the thread has stopped.
    @discardableResult
    func enqueue(_ body: @escaping @Sendable () -> Void) -> Bool {
        wake.lock()
        defer { wake.unlock() }
        let accepted = queue.withLock { queue in
            guard !queue.stopped else { return false }
            queue.work.append(body)
            return true
        }
        wake.signal()
        return accepted
    }

    /// Lets the thread finish what is queued, then end.
    func stop() {
        wake.lock()
        queue.withLock { $0.stopped = true }
        wake.signal()
        wake.unlock()
    }

    private func loop() {
        while true {
            wake.lock()
            var next: (@Sendable () -> Void)?
            var done = false
            while true {
                (next, done) = queue.withLock { queue in
                    if !queue.work.isEmpty { return (queue.work.removeFirst(), false) }
                    return (nil, queue.stopped)
                }
                if next != nil || done { break }
                wake.wait()
            }
            wake.unlock()
            guard let next else { return }
            next()
        }
    }
}
