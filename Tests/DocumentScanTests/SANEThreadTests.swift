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

    @Test("a job leaves the process's SIGPIPE disposition as it found it")
    func sigpipe() async throws {
        TestSANE.prepare()
        // The test backend (sanei_thread) sets SIGPIPE to ignored while its reader runs and then
        // to the default, whatever it was. Here a job does the same; every job is wrapped alike,
        // so other tests' jobs running in between cannot change what this one sees.
        func disposition() async throws -> UInt {
            try await SANERuntime.shared.perform { _ in
                var current = sigaction()
                sigaction(SIGPIPE, nil, &current)
                return unsafeBitCast(current.__sigaction_handler.sa_handler, to: UInt.self)
            }
        }
        // The process's own choice first, as kioskd's is: SwiftNIO ignores SIGPIPE when another
        // suite first uses it, so a default disposition read here could change under the test.
        signal(SIGPIPE, SIG_IGN)
        let before = try await disposition()
        try await SANERuntime.shared.perform { _ in
            var changed = sigaction()
            changed.__sigaction_handler.sa_handler = before == unsafeBitCast(SIG_IGN, to: UInt.self) ? SIG_DFL : SIG_IGN
            sigaction(SIGPIPE, &changed, nil)
        }
        #expect(try await disposition() == before)
    }

    @Test("an error thrown in a job comes back typed to the caller")
    func errors() async {
        TestSANE.prepare()
        await #expect(throws: DeviceError(code: "x", action: .retry, detail: "y")) {
            try await SANERuntime.shared.perform { _ throws(DeviceError) in
                throw DeviceError(code: "x", action: .retry, detail: "y")
            }
        }
    }
}

/// How many jobs ran at once, at most.
final class Concurrency: Sendable {
    let running = Atomic<Int>(0)
    let most = Atomic<Int>(0)
}
