import DeviceKit
import Foundation
import Synchronization
import Testing
@testable import DocumentScan

/// libsane is called from one thread only, one call at a time.
@Suite("SANE owner thread")
struct SANEThreadTests {
    @Test("every job runs on the one named SANE thread, never on the caller's")
    func oneThread() async throws {
        TestSANE.prepare()
        let threads = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await SANERuntime.shared.perform { _ in
                        "\(Thread.current.name ?? "?")/\(pthread_self())"
                    }
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(threads.count == 1)
        #expect(threads.first?.hasPrefix("kiosk-sane/") == true, "\(threads)")
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
