import Hummingbird
import NIOCore

/// `GET /v1/documents/{sha256}`: a certificate document as stored, with its content type. Any
/// kiosk's token may read any document: a document is named by its digest, which only a
/// manifest entry tells.
struct DocumentsRoute: Sendable {
    let store: StandInStore

    func register(on group: RouterGroup<StandInContext>) {
        group.get("documents/:sha256") { request, context in
            try await get(request, context: context)
        }
    }

    func get(_ request: Request, context: StandInContext) async throws -> Response {
        let digest = try PathCheck.digest(context)
        guard let document = try await store.document(digest: digest) else {
            throw ProblemError(.notFound, "unknown document", detail: "no document has digest \(digest)")
        }
        return Response(
            status: .ok, headers: [.contentType: document.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: document.bytes)))
    }
}
