import DeviceKit
import Foundation
import Synchronization
import Testing
@testable import DocumentScan

/// libsane is called from one thread only, one call at a time.
@Suite("SANE owner thread")
struct SANEThreadTests {
    @Test("every job runs on the one SANE thread, never on the caller's")
    func oneThread() async throws {
        TestSANE.prepare()
        let callers = Concurrency()
        let threads = try await withThrowingTaskGroup(of: UInt.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let caller = UInt(pthread_self())
                    let worker = try await SANERuntime.shared.perform { _ in UInt(pthread_self()) }
                    if caller == worker { callers.running.add(1, ordering: .relaxed) }
                    return worker
                }
            }
            return try await group.reduce(into: Set<UInt>()) { $0.insert($1) }
        }
        #expect(threads.count == 1)
        #expect(threads.first == SANERuntime.shared.ownerThread && SANERuntime.shared.ownerThread != 0)
        #expect(callers.running.load(ordering: .relaxed) == 0)
        #expect(SANERuntime.shared.hasInitialised)
    }

    @Test("jobs submitted at once run one after another")
    func serialised() async throws {
        TestSANE.prepare()
        let counter = Concurrency()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await SANERuntime.shared.perform { _ in
                        let now = counter.running.add(1, ordering: .sequentiallyConsistent).newValue
                        _ = counter.most.max(now, ordering: .sequentiallyConsistent)
                        usleep(2_000)
                        counter.running.subtract(1, ordering: .sequentiallyConsistent)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counter.most.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test("after a job SIGPIPE cannot kill the process, whatever the backend did to it")
    func sigpipe() async throws {
        TestSANE.prepare()
        // The test backend (sanei_thread) sets SIGPIPE to the default after its reader, when it
        // finds it ignored. A job may do the same; the next job finds a harmless handler in place.
        func disposition() async throws -> UInt {
            try await SANERuntime.shared.perform { _ in
                var current = sigaction()
                sigaction(SIGPIPE, nil, &current)
                return unsafeBitCast(current.__sigaction_handler.sa_handler, to: UInt.self)
            }
        }
        let defaultAction = unsafeBitCast(SIG_DFL, to: UInt.self)
        let ignored = unsafeBitCast(SIG_IGN, to: UInt.self)
        try await SANERuntime.shared.perform { _ in
            var changed = sigaction()
            changed.__sigaction_handler.sa_handler = SIG_DFL
            sigaction(SIGPIPE, &changed, nil)
        }
        let after = try await disposition()
        #expect(after != defaultAction && after != ignored, "a handler that does nothing: sanei_thread leaves it alone")
        // And a write to a pipe nobody reads gives EPIPE, not death.
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let byte: [UInt8] = [1]
        #expect(write(fds[1], byte, 1) == -1 && errno == EPIPE)
        close(fds[1])
    }

    @Test("an error thrown in a job comes back typed to the caller")
    func errors() async {
        TestSANE.prepare()
        await #expect(throws: DeviceError(code: .busy, action: .retry, detail: "y")) {
            try await SANERuntime.shared.perform { _ throws(DeviceError) in
                throw DeviceError(code: .busy, action: .retry, detail: "y")
            }
        }
    }
}

/// How many jobs ran at once, at most.
final class Concurrency: Sendable {
    let running = Atomic<Int>(0)
    let most = Atomic<Int>(0)
}
