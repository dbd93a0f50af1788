import Foundation
import Synchronization

/// A dedicated OS thread for a driver's blocking C calls (pcsclite's waits and card I/O, libcups's
/// network round trips, libsane), so they never hold one of Swift's cooperative threads (DESIGN.md
/// decision 2). Jobs run one at a time, in the order they came, so a C library confined to the thread
/// needs no lock of its own; async callers await their results.
///
/// A driver that owns its thread ends it with ``stop()``: what is queued still runs, then the thread
/// ends. What comes after is the caller's choice: ``run(_:)`` still runs it, on a new thread of its
/// own (it must happen, e.g. closing a connection), ``runUnlessStopped(_:)`` refuses it.
public final class DeviceThread: Sendable {
    /// What ``runUnlessStopped(_:)`` throws for work that came after ``stop()``: the work did not run.
    public struct Stopped: Error, Equatable {
        public init() {}
    }

    private struct Queue {
        var jobs: [@Sendable () -> Void] = []
        var stopped = false
    }

    private let queue = Mutex(Queue())
    private let signal = DispatchSemaphore(value: 0)
    private let whenIdle: (@Sendable () -> Void)?
    private let owner = Atomic<UInt>(0)

    /// Starts the thread. `name` is for ps and debuggers (Foundation applies it as the thread
    /// starts). `whenIdle`, if given, runs on the thread each time a job leaves the queue empty
    /// (libsane is shut down then, so nothing stays claimed while the kiosk is idle).
    ///
    /// The thread holds the object until ``stop()`` ends it; one that is never stopped lives as long
    /// as the process.
    public init(name: String, whenIdle: (@Sendable () -> Void)? = nil) {
        self.whenIdle = whenIdle
        let thread = Thread { [self] in
            owner.store(UInt(pthread_self()), ordering: .releasing)
            loop()
        }
        thread.name = name
        thread.start()
    }

    /// The thread's `pthread_self()` once it runs, 0 before: for checks that work runs here.
    public var threadID: UInt { owner.load(ordering: .acquiring) }

    /// Queues `job` without waiting for it; false, and the job does not run, once the thread has
    /// stopped.
    @discardableResult
    public func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            guard !queue.stopped else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { signal.signal() }
        return accepted
    }

    /// Runs `work` on the thread and hands back its result or its error. After ``stop()``, a
    /// straggler still runs off the cooperative pool, on a thread of its own.
    public func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
            let job: @Sendable () -> Void = { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
            if !enqueue(job) { Thread.detachNewThread(job) }
        }
        return try result.get()
    }

    /// Runs `work` on the thread and returns its result. After ``stop()`` it does not run it and
    /// throws ``Stopped``; otherwise it throws what `work` throws.
    public func runUnlessStopped<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws -> T {
        let result: Result<T, E>? = await withCheckedContinuation { continuation in
            let job: @Sendable () -> Void = { continuation.resume(returning: Result { () throws(E) -> T in try work() }) }
            if !enqueue(job) { continuation.resume(returning: nil) }
        }
        guard let result else { throw Stopped() }
        return try result.get()
    }

    /// Lets queued jobs finish, then ends the thread. Safe to call more than once.
    public func stop() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.stopped = true }
            return !queue.stopped
        }
        if first { signal.signal() }
    }

    /// One wake-up per queued job, and one for the stop.
    private func loop() {
        while true {
            signal.wait()
            let next = queue.withLock { queue -> (@Sendable () -> Void)?? in
                if !queue.jobs.isEmpty { return .some(queue.jobs.removeFirst()) }
                return queue.stopped ? .none : .some(nil)
            }
            guard let next else { return }
            guard let job = next else { continue }
            job()
            if let whenIdle, queue.withLock({ $0.jobs.isEmpty }) { whenIdle() }
        }
    }
}
