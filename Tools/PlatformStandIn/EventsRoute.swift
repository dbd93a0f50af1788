import Foundation
import Hummingbird
import NIOCore
import Outbox

/// `POST /v1/kiosks/{kioskId}/events`: a batch of outbox items, deduplicated per item by id and
/// per request by `Idempotency-Key`.
///
/// The order of checks: the token and kiosk (401, 403), the header (400), the size (413), the
/// body's shape (400), then one transaction that replays an earlier answer, refuses a reused
/// key with a different body (422), or stores the batch and its answer.
struct EventsRoute: Sendable {
    let store: StandInStore
    let stats: StatsRecorder
    let maxItems: Int
    let maxBytes: Int

    func register(on group: RouterGroup<StandInContext>) {
        group.post("kiosks/:kioskId/events") { request, context in
            try await post(request, context: context)
        }
    }

    func post(_ request: Request, context: StandInContext) async throws -> Response {
        let kioskID = try context.requireKiosk()
        guard let key = request.headers[.idempotencyKey], !key.isEmpty else {
            throw ProblemError(.badRequest, "missing Idempotency-Key", detail: "send the batch's key in the Idempotency-Key header")
        }
        guard key.utf8.count <= 255 else {
            throw ProblemError(.badRequest, "bad Idempotency-Key", detail: "the key is longer than 255 characters")
        }
        let body = try await collect(request)
        let batch: PlatformAPI.EventBatch
        do {
            batch = try PlatformAPI.makeDecoder().decode(PlatformAPI.EventBatch.self, from: body)
        } catch {
            throw ProblemError(.badRequest, "not an event batch", detail: Self.describe(error))
        }
        guard batch.items.count <= maxItems else {
            throw ProblemError(.contentTooLarge, "batch too large", detail: "\(batch.items.count) items; at most \(maxItems) per batch")
        }
        let outcome = try await store.storeBatch(
            kioskID: kioskID, key: key, bodyDigest: sha256Hex(body), batch: batch, receivedAt: Date())
        switch outcome {
        case .processed(_, let counts, let response):
            stats.count(counts)
            return .json(data: response)
        case .replay(let status, let response):
            stats.update { $0.replays += 1 }
            var answer = Response.json(data: response, status: HTTPResponse.Status(code: status))
            answer.headers[.idempotentReplayed] = "true"
            return answer
        case .keyReused:
            throw ProblemError(
                .unprocessableContent, "Idempotency-Key reused",
                detail: "this key was used before with a different body; a new batch needs a new key")
        }
    }

    /// The whole body, refused with 413 beyond the limit (by `Content-Length` at once, or while
    /// reading a chunked body).
    private func collect(_ request: Request) async throws -> Data {
        let tooLarge = ProblemError(.contentTooLarge, "batch too large", detail: "at most \(maxBytes) bytes per batch")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes { throw tooLarge }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: maxBytes)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

    /// A decoding error in a sentence, with the path of the field it is about.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "body" : path
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing field \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
