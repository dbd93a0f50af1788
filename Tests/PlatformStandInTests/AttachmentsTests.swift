import AsyncHTTPClient
import Foundation
import NIOCore
import Outbox
import PlatformStandIn
import Testing

@Suite("PUT and HEAD /v1/kiosks/{kioskId}/attachments/{sha256}")
struct AttachmentsTests {
    /// Streams `data` in 64 KiB chunks, as a kiosk uploads scanned pages.
    func upload(_ data: Data, as digest: String, harness: Harness, kiosk: String = "kiosk-1") async throws -> Int {
        var request = HTTPClientRequest(url: harness.standIn.baseURL + "/v1/kiosks/\(kiosk)/attachments/\(digest)")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "Bearer \(Harness.tokens[kiosk]!)")
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .stream(Chunks(data: data, size: 64 * 1024), length: .known(Int64(data.count)))
        let response = try await harness.client.execute(request, timeout: .seconds(120))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    func attachmentFiles(_ harness: Harness, kiosk: String = "kiosk-1") -> [String] {
        let folder = harness.folder.appendingPathComponent("attachments/\(kiosk)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test("a streamed upload of several MB is stored under its digest: 201, then 200, and HEAD finds it")
    func matchingDigest() async throws {
        try await Harness.with { harness in
            let data = pseudoRandomBytes(count: 12 * 1024 * 1024 + 123, seed: 7)
            let digest = sha256Hex(data)
            let path = "/v1/kiosks/kiosk-1/attachments/\(digest)"

            #expect(try await harness.send(.HEAD, path).status == 404)
            #expect(try await upload(data, as: digest, harness: harness) == 201)
            #expect(try await harness.send(.HEAD, path).status == 200)
            #expect(try await upload(data, as: digest, harness: harness) == 200)

            #expect(attachmentFiles(harness) == [digest])
            let stored = try Data(contentsOf: harness.folder.appendingPathComponent("attachments/kiosk-1/\(digest)"))
            #expect(stored == data)

            // Attachments belong to their kiosk.
            #expect(try await harness.send(.HEAD, "/v1/kiosks/kiosk-2/attachments/\(digest)", token: Harness.tokens["kiosk-2"]).status == 404)
            #expect(try await harness.send(.HEAD, path, token: Harness.tokens["kiosk-2"]).status == 403)
        }
    }

    @Test("bytes that do not hash to the path are refused with 400 and leave no file behind")
    func mismatchingDigest() async throws {
        try await Harness.with { harness in
            let data = pseudoRandomBytes(count: 3 * 1024 * 1024, seed: 8)
            let claimed = sha256Hex(Data("something else".utf8))
            var request = HTTPClientRequest(url: harness.standIn.baseURL + "/v1/kiosks/kiosk-1/attachments/\(claimed)")
            request.method = .PUT
            request.headers.add(name: "Authorization", value: "Bearer token-one")
            request.body = .stream(Chunks(data: data, size: 64 * 1024), length: .known(Int64(data.count)))
            let response = try await harness.client.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code == 400)
            let problem = try PlatformAPI.makeDecoder().decode(PlatformAPI.Problem.self, from: Data(body.readableBytesView))
            #expect(problem.error == "digest mismatch")
            #expect(attachmentFiles(harness).isEmpty)
            #expect(try await harness.send(.HEAD, "/v1/kiosks/kiosk-1/attachments/\(claimed)").status == 404)

            let badPath = try await harness.send(.PUT, "/v1/kiosks/kiosk-1/attachments/not-a-digest", body: Data("x".utf8))
            #expect(badPath.status == 400)
        }
    }

    @Test("an attachment larger than the limit is 413 and leaves no file behind")
    func tooLarge() async throws {
        try await Harness.with({ $0.maxAttachmentBytes = 1024 * 1024 }) { harness in
            let data = pseudoRandomBytes(count: 2 * 1024 * 1024, seed: 9)
            let digest = sha256Hex(data)
            // Announced too large: refused from the Content-Length.
            #expect(try await upload(data, as: digest, harness: harness) == 413)
            // Streamed without a length: refused once the limit is passed.
            var request = HTTPClientRequest(url: harness.standIn.baseURL + "/v1/kiosks/kiosk-1/attachments/\(digest)")
            request.method = .PUT
            request.headers.add(name: "Authorization", value: "Bearer token-one")
            request.body = .stream(Chunks(data: data, size: 64 * 1024), length: .unknown)
            let response = try await harness.client.execute(request, timeout: .seconds(120))
            #expect(response.status.code == 413)
            #expect(attachmentFiles(harness).isEmpty)
        }
    }
}
