import DeviceKit
import Foundation
import Synchronization
import Testing

@Suite("Device thread")
struct DeviceThreadTests {
    @Test("every job runs on the thread, never on the caller's, one after another in order")
    func oneThreadInOrder() async throws {
        let thread = DeviceThread(name: "test-device-thread")
        defer { thread.stop() }
        let log = JobLog()
        for index in 0..<8 {
            thread.enqueue {
                let now = log.running.add(1, ordering: .sequentiallyConsistent).newValue
                _ = log.most.max(now, ordering: .sequentiallyConsistent)
                usleep(1_000)
                log.order.withLock { $0.append(index) }
                log.running.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
        let caller = UInt(pthread_self())
        let worker = await thread.run { UInt(pthread_self()) }
        #expect(worker == thread.threadID && worker != 0 && worker != caller)
        #expect(log.order.withLock { $0 } == Array(0..<8))
        #expect(log.most.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test("an error thrown by a job comes back typed to the caller")
    func typedErrors() async {
        let thread = DeviceThread(name: "test-device-thread")
        defer { thread.stop() }
        await #expect(throws: DeviceError(code: .busy, action: .retry, detail: "y")) {
            try await thread.run { () throws(DeviceError) -> Int in
                throw DeviceError(code: .busy, action: .retry, detail: "y")
            }
        }
        await #expect(throws: DeviceError(code: .busy, action: .retry, detail: "y")) {
            try await thread.runUnlessStopped { () throws(DeviceError) -> Int in
                throw DeviceError(code: .busy, action: .retry, detail: "y")
            }
        }
    }

    @Test("stop lets queued jobs finish; later work is refused, or run on a thread of its own")
    func stopping() async throws {
        let thread = DeviceThread(name: "test-device-thread")
        let log = JobLog()
        #expect(await thread.run { UInt(pthread_self()) } == thread.threadID)
        for _ in 0..<4 {
            thread.enqueue {
                usleep(2_000)
                log.running.add(1, ordering: .sequentiallyConsistent)
            }
        }
        thread.stop()
        thread.stop()
        #expect(!thread.enqueue { log.running.add(100, ordering: .sequentiallyConsistent) })
        await #expect(throws: DeviceThread.Stopped()) {
            try await thread.runUnlessStopped { log.running.add(100, ordering: .sequentiallyConsistent) }
        }
        // After stop, a straggler still runs, on a thread of its own (e.g. closing a connection).
        #expect(await thread.run { 7 } == 7)
        // The queued four finish on the thread (the straggler did not wait for them); the refused never run.
        #expect(await eventually(timeout: .seconds(5)) { log.running.load(ordering: .sequentiallyConsistent) == 4 })
    }

    @Test("whenIdle runs on the thread after the job that empties the queue")
    func whenIdle() async throws {
        let log = JobLog()
        let thread = DeviceThread(name: "test-device-thread") {
            log.idle.withLock { $0.append(UInt(pthread_self())) }
        }
        defer { thread.stop() }
        let gate = DispatchSemaphore(value: 0)
        thread.enqueue { gate.wait() }
        thread.enqueue {}
        thread.enqueue {}
        // Three jobs queued before the first ends: the queue empties once.
        gate.signal()
        #expect(await eventually(timeout: .seconds(5)) { log.idle.withLock { $0.count } == 1 })
        #expect(log.idle.withLock { $0.first } == thread.threadID)
        _ = await thread.run { 0 }
        #expect(await eventually(timeout: .seconds(5)) { log.idle.withLock { $0.count } == 2 })
    }
}

/// What jobs on a test thread saw.
final class JobLog: Sendable {
    let order = Mutex<[Int]>([])
    let running = Atomic<Int>(0)
    let most = Atomic<Int>(0)
    /// The thread each `whenIdle` call ran on.
    let idle = Mutex<[UInt]>([])
}
