import Foundation
import Synchronization
import Testing
@testable import Outbox

@Suite("UUIDv7 (RFC 9562)")
struct UUIDv7Tests {
    @Test("version is 7 and the variant is 0b10")
    func versionAndVariant() {
        for _ in 0..<1_000 {
            let id = UUID.v7()
            #expect(id.uuid.6 >> 4 == 7)
            #expect(id.uuid.8 >> 6 == 0b10)
            #expect(id.rfc9562Version == 7)
            let text = id.uuidString.lowercased()
            #expect(Array(text)[14] == "7")
            #expect("89ab".contains(Array(text)[19]))
        }
    }

    @Test("10,000 ids sort, as lower-case strings and as bytes, in the order they were made")
    func sortOrder() {
        let ids = (0..<10_000).map { _ in UUID.v7() }
        let strings = ids.map { $0.uuidString.lowercased() }
        #expect(Set(strings).count == 10_000)
        // Compared as booleans so that a failure does not print 10,000 ids.
        let sortedAsStrings = strings.sorted() == strings
        #expect(sortedAsStrings)
        // Strictly increasing, not merely non-decreasing.
        let increasingAsStrings = zip(strings, strings.dropFirst()).allSatisfy { $0 < $1 }
        #expect(increasingAsStrings)
        let bytes = ids.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        let increasingAsBytes = zip(bytes, bytes.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) }
        #expect(increasingAsBytes)
    }

    @Test("the timestamp is within a second of now")
    func timestamp() throws {
        let before = Date()
        let id = UUID.v7()
        let stamp = try #require(id.v7Timestamp)
        #expect(abs(stamp.timeIntervalSince(before)) < 1)
        #expect(UUID().v7Timestamp == nil, "a random (version 4) UUID carries no time")
    }

    @Test("the timestamp field holds Unix milliseconds, big-endian")
    func layout() {
        let id = UUIDv7Generator.makeUUID(milliseconds: 0x0123_4567_89ab, randA: 0xfff, randB: UInt64.max)
        #expect(id.uuidString.lowercased() == "01234567-89ab-7fff-bfff-ffffffffffff")
        #expect(id.v7Timestamp == Date(timeIntervalSince1970: Double(0x0123_4567_89ab) / 1000))
    }

    @Test("ids keep increasing when the clock stands still or steps back")
    func monotonicWithStoppedOrBackwardClock() {
        let times = Mutex<[Date]>(
            Array(repeating: Date(timeIntervalSince1970: 1_750_000_000), count: 500)
            + Array(repeating: Date(timeIntervalSince1970: 1_749_999_000), count: 500))
        let generator = UUIDv7Generator(clock: { times.withLock { $0.removeFirst() } })
        let strings = (0..<1_000).map { _ in generator.next().uuidString.lowercased() }
        #expect(zip(strings, strings.dropFirst()).allSatisfy { $0 < $1 })
        // The timestamp never goes back with the clock.
        let generated = strings.compactMap { UUID(uuidString: $0)?.v7Timestamp }
        #expect(generated.allSatisfy { $0 == Date(timeIntervalSince1970: 1_750_000_000) })
    }

    @Test("ids made on many threads at once are unique")
    func concurrentUniqueness() async {
        let generator = UUIDv7Generator()
        let all = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<1_000).map { _ in generator.next() } }
            }
            var all: [UUID] = []
            for await batch in group { all += batch }
            return all
        }
        #expect(all.count == 8_000)
        #expect(Set(all).count == 8_000)
    }
}
