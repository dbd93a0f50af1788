import Foundation
import Outbox
import PlatformStandIn
import Testing
import YAMLData

@Suite("Seeding from Kiosk/demo/pickups.yaml")
struct DemoSeedTests {
    static let salt = "demo-salt-not-for-production"
    static let demo = repositoryRoot.appendingPathComponent("Kiosk/demo")

    @Test("holder keys and pickup-code hashes are hashed exactly as the kiosk hashes them")
    func hashes() throws {
        let seed = try DemoSeed.load(folder: Self.demo, salt: Self.salt)
        #expect(seed.pickups.map(\.id) == ["P-2026-000101", "P-2026-000102", "P-2026-000103"])
        let first = try #require(seed.pickups.first)
        #expect(first.holderKey == sha256Hex(Data("\(Self.salt)|resident-id|460100199001010027".utf8)))
        #expect(first.pickupCodeHash == sha256Hex(Data("\(Self.salt)|pickup-code|20261127".utf8)))
        #expect(first.titleZh == "营业执照")
        #expect(first.titleEn == "Business licence")
        #expect(first.departmentEn == "Haikou Market Supervision Administration")
        #expect(first.resultCode == "HK-2026-0101")
        #expect(first.state == .ready)
        #expect(seed.pickups[1].pickupCodeHash == nil)
        #expect(seed.pickups[2].holderKey
            == sha256Hex(Data("\(Self.salt)|foreign-permanent-residence|946826198503150027".utf8)))
        #expect(seed.pickupCodes == ["P-2026-000101": "20261127", "P-2026-000103": "88001234"])

        let licence = try Data(contentsOf: Self.demo.appendingPathComponent("documents/business-licence.pdf"))
        #expect(first.documentDigest == sha256Hex(licence))
        #expect(seed.documents.count == 3)
        #expect(seed.documents.allSatisfy { $0.contentType == "application/pdf" && $0.digest == sha256Hex($0.bytes) })
    }

    @Test("the number is upper-cased before hashing, so an x check character matches")
    func upperCasedNumber() {
        #expect(HolderKeys(salt: "s").holderKey(kind: "resident-id", number: "46010019900101002x")
            == sha256Hex(Data("s|resident-id|46010019900101002X".utf8)))
    }

    @Test("problems are reported as file:line: field: problem, all of them")
    func problems() throws {
        let folder = try makeTemporaryFolder("seed")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("pickups.yaml")
        try Data("""
            pickups:
              - id: P-1
                holder: {kind: resident-id}
                title: {zh-Hans: 证, en: Licence}
                department: {zh-Hans: 局, en: Bureau}
                document: documents/missing.pdf
                colour: blue
            """.utf8).write(to: file)
        #expect {
            try DemoSeed.load(file: file, salt: "s", displayPath: "pickups.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("pickups.yaml:3: pickups.0.holder: missing required field \"number\"")
                && text.contains("pickups.yaml:7: pickups.0.colour: unknown field")
        }
    }

    @Test("a stand-in seeded with the demo serves its pickups and documents, and a second seed keeps collections")
    func seededServer() async throws {
        let seed = try DemoSeed.load(folder: Self.demo, salt: Self.salt)
        try await Harness.with({ $0.seed = seed }) { harness in
            let page = try await harness.pickups()
            #expect(page.pickups.map(\.id) == seed.pickups.map(\.id))
            let digest = try #require(page.pickups.first?.documentDigest)
            let document = try await harness.send(.GET, "/v1/documents/\(digest)")
            #expect(document.status == 200)
            #expect(document.headers.first(name: "Content-Type") == "application/pdf")
            #expect(sha256Hex(document.body) == digest)

            try await harness.standIn.collectElsewhere(pickupId: "P-2026-000101", by: "counter-1")
            #expect(try await harness.standIn.server.seed(seed) == 0)
            #expect(try await harness.standIn.pickup(id: "P-2026-000101")?.state == .collected)
        }
    }
}
