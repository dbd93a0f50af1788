import Foundation
import Synchronization

/// The one thread that ever calls libsane. SANE backends block in their calls and are not
/// thread-safe, so every call runs here, one job after another, never on Swift's cooperative pool.
///
/// `whenIdle` runs on the thread each time the queue empties (the runtime closes SANE then).
final class SANEThread: @unchecked Sendable {
    // `jobs` is guarded by `condition`; the thread object lives as long as the process.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private let whenIdle: @Sendable () -> Void
    /// The thread's `pthread_self()`, once it runs; for checks that work runs here.
    let owner = Atomic<UInt>(0)

    init(name: String, whenIdle: @escaping @Sendable () -> Void) {
        self.whenIdle = whenIdle
        // The thread holds the object for the life of the process, as intended for the one SANE owner.
        let thread = Thread {
            self.owner.store(UInt(pthread_self()), ordering: .releasing)
            self.loop()
        }
        // For ps and debuggers; Foundation applies it as the thread starts.
        thread.name = name
        thread.start()
    }

    /// Queues a job; jobs run in the order they were submitted.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()

            job()

            condition.lock()
            let idle = jobs.isEmpty
            condition.unlock()
            if idle { whenIdle() }
        }
    }
}
