import Foundation
import PlatformStandIn
import Testing

@Suite("Starting and stopping in-process")
struct LifecycleTests {
    @Test("a taken port fails start with notListening instead of hanging")
    func portTaken() async throws {
        try await Harness.with { harness in
            let folder = try makeTemporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let configuration = StandInConfiguration(
                port: harness.standIn.port, dataDirectory: folder, kioskTokens: Harness.tokens, adminToken: "admin")
            await #expect {
                _ = try await RunningStandIn.start(configuration)
            } throws: { error in
                if case .notListening = error as? StandInError { return true }
                return false
            }
        }
    }

    @Test("a configuration that could only confuse is refused before anything starts")
    func invalidConfiguration() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [StandInConfiguration] = [
            .init(dataDirectory: folder, kioskTokens: ["a": "same", "b": "same"], adminToken: "admin"),
            .init(dataDirectory: folder, kioskTokens: ["a": "t"], adminToken: "t"),
            .init(dataDirectory: folder, kioskTokens: ["../etc": "t"], adminToken: "admin"),
            .init(dataDirectory: folder, kioskTokens: ["a": "t"], adminToken: "admin", faults: Faults(dropRate: 1.5)),
            .init(dataDirectory: folder, kioskTokens: [:], adminToken: "admin"),
        ]
        for configuration in cases {
            await #expect(throws: StandInError.self) { _ = try await RunningStandIn.start(configuration) }
        }
    }

    @Test("what was stored survives a restart on the same folder")
    func restart() async throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = StandInConfiguration(dataDirectory: folder, kioskTokens: Harness.tokens, adminToken: "admin")
        let first = try await RunningStandIn.start(configuration)
        try await first.upsertPickups([Make.pickup("P-1")])
        await first.stop()

        try await RunningStandIn.withRunning(configuration) { second async throws in
            #expect(try await second.pickup(id: "P-1")?.state == .ready)
        }
    }
}
