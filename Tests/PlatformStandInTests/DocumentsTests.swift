import Foundation
import Outbox
import PlatformStandIn
import Testing

@Suite("GET /v1/documents/{sha256}")
struct DocumentsTests {
    @Test("a stored document comes back with its content type; unknown is 404, a bad digest 400")
    func documents() async throws {
        try await Harness.with { harness in
            let pdf = Data("%PDF-1.4 a certificate".utf8)
            let digest = try await harness.standIn.storeDocument(pdf, contentType: "application/pdf")
            #expect(digest == sha256Hex(pdf))

            let found = try await harness.send(.GET, "/v1/documents/\(digest)", token: Harness.tokens["kiosk-2"])
            #expect(found.status == 200)
            #expect(found.body == pdf)
            #expect(found.headers.first(name: "Content-Type") == "application/pdf")

            let unknown = try await harness.send(.GET, "/v1/documents/\(String(repeating: "0", count: 64))")
            #expect(unknown.status == 404)
            #expect(unknown.problem?.error == "unknown document")

            for bad in [String(repeating: "A", count: 64), "abc", String(repeating: "0", count: 65)] {
                let answer = try await harness.send(.GET, "/v1/documents/\(bad)")
                #expect(answer.status == 400, "\(bad)")
                #expect(answer.problem?.error == "bad digest")
            }

            let anonymous = try await harness.send(.GET, "/v1/documents/\(digest)", token: nil)
            #expect(anonymous.status == 401)
        }
    }

    @Test("an administrator stores a document under its digest, and only under its digest")
    func adminStoresDocument() async throws {
        try await Harness.with { harness in
            let bytes = Data("plain text certificate".utf8)
            let digest = sha256Hex(bytes)
            let headers = [("Content-Type", "text/plain")]
            let created = try await harness.send(.PUT, "/admin/documents/\(digest)", token: Harness.adminToken, headers: headers, body: bytes)
            #expect(created.status == 201)
            let again = try await harness.send(.PUT, "/admin/documents/\(digest)", token: Harness.adminToken, headers: headers, body: bytes)
            #expect(again.status == 200)
            let wrong = try await harness.send(
                .PUT, "/admin/documents/\(String(repeating: "1", count: 64))", token: Harness.adminToken, headers: headers, body: bytes)
            #expect(wrong.status == 400)
            #expect(wrong.problem?.error == "digest mismatch")

            let fetched = try await harness.send(.GET, "/v1/documents/\(digest)")
            #expect(fetched.body == bytes)
            #expect(fetched.headers.first(name: "Content-Type") == "text/plain")
        }
    }
}
