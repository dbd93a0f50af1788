import Foundation
import Testing
import WireFormat
@testable import Outbox

@Suite("Platform API wire format")
struct PlatformAPITests {
    @Test("times go out with exactly the stored millisecond, where Foundation's formatter would truncate")
    func exactMilliseconds() throws {
        for (milliseconds, text) in [
            (1_795_000_000_123, "2026-11-18T11:06:40.123Z"), (1_795_000_000_001, "2026-11-18T11:06:40.001Z"),
            (1_795_000_000_000, "2026-11-18T11:06:40.000Z"), (1_795_000_100_456, "2026-11-18T11:08:20.456Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ] as [(Int64, String)] {
            let date = Date(unixMilliseconds: milliseconds)
            #expect(PlatformAPI.timestamp(date) == text)
            #expect(try PlatformAPI.makeDecoder().decode(Date.self, from: Data("\"\(text)\"".utf8)).unixMilliseconds == milliseconds)
        }
        let record = PlatformAPI.PickupRecord(
            id: "P", holderKey: "k", titleZh: "z", titleEn: "e", departmentZh: "d", departmentEn: "d",
            collectedAt: Date(unixMilliseconds: 1_795_000_000_001))
        let json = String(decoding: try PlatformAPI.makeEncoder().encode(record), as: UTF8.self)
        #expect(json.contains(#""collectedAt":"2026-11-18T11:06:40.001Z""#))
        #expect(json.hasPrefix(#"{"collectedAt""#))
    }

    @Test("a retried batch of the same items has the same Idempotency-Key; another batch has another")
    func batchKeys() {
        let first = PlatformAPI.batchKey(ids: ["a", "b"])
        #expect(first == PlatformAPI.batchKey(ids: ["a", "b"]))
        #expect(first != PlatformAPI.batchKey(ids: ["a"]))
        #expect(first.hasPrefix("batch-") && first.count == 38)
    }
}
