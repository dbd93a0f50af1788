import Foundation
import Testing
@testable import Outbox

@Suite("KioskStore: result statuses")
struct KioskStoreResultsTests {
    @Test("a result status reads back by its code")
    func upsertAndRead() throws {
        try withStore { store, _ in
            let status = ResultStatus(
                code: "46010020250615000123", status: .readyForPickup,
                titleZh: "食品经营许可证", titleEn: "Food business licence",
                updatedAt: Date(timeIntervalSince1970: 1_750_000_000.789))
            try store.upsertResults([status])
            #expect(try store.result(code: status.code) == status)
            #expect(try store.result(code: "unknown") == nil)
        }
    }

    @Test("a newer status replaces an older one, never the other way round")
    func newerWins() throws {
        try withStore { store, _ in
            let t0 = Date(timeIntervalSince1970: 1_750_000_000)
            func status(_ s: ResultStatus.Status, _ at: Date) -> ResultStatus {
                ResultStatus(code: "R1", status: s, titleZh: "居住证", titleEn: "Residence permit", updatedAt: at)
            }
            try store.upsertResults([status(.inReview, t0)])
            try store.upsertResults([status(.approved, t0.addingTimeInterval(60))])
            #expect(try store.result(code: "R1")?.status == .approved)
            try store.upsertResults([status(.inReview, t0.addingTimeInterval(30))])
            #expect(try store.result(code: "R1")?.status == .approved)
            #expect(try store.result(code: "R1")?.updatedAt == t0.addingTimeInterval(60))
        }
    }

    @Test("a status the kiosk does not know yet is kept as the platform sent it")
    func unknownStatus() throws {
        try withStore { store, _ in
            let status = ResultStatus(
                code: "R2", status: ResultStatus.Status(rawValue: "suspended"),
                titleZh: "道路运输经营许可证", titleEn: "Road transport permit", updatedAt: .now)
            try store.upsertResults([status])
            #expect(try store.result(code: "R2")?.status.rawValue == "suspended")
            let json = try JSONEncoder().encode(ResultStatus.Status.inReview)
            #expect(String(decoding: json, as: UTF8.self) == #""in-review""#)
        }
    }
}
