import Foundation
import Hummingbird

/// `PUT` and `HEAD /v1/kiosks/{kioskId}/attachments/{sha256}`: scanned pages and other large
/// files, named by the SHA-256 of their bytes.
///
/// The body is streamed to a temporary file in the kiosk's folder under `attachments/` while it
/// is hashed, and only renamed to its digest once the digest matches the path: a file named by
/// a digest always has that digest, and a failed or mismatching upload leaves nothing behind.
/// The answer is 201 when the file is new and 200 when it was already there, so a kiosk that
/// retries an upload whose answer it lost is told it is done.
struct AttachmentsRoute: Sendable {
    let directory: URL
    let maxBytes: Int
    let fileIO = FileIO()

    func register(on group: RouterGroup<StandInContext>) {
        group.put("kiosks/:kioskId/attachments/:sha256") { request, context in
            try await put(request, context: context)
        }
        group.head("kiosks/:kioskId/attachments/:sha256") { request, context in
            try await head(request, context: context)
        }
    }

    func head(_ request: Request, context: StandInContext) async throws -> Response {
        let file = try location(context)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ProblemError(.notFound, "unknown attachment")
        }
        return Response(status: .ok)
    }

    func put(_ request: Request, context: StandInContext) async throws -> Response {
        let file = try location(context)
        let expected = file.lastPathComponent
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw tooLarge
        }
        if FileManager.default.fileExists(atPath: file.path) { return Response(status: .ok) }

        let folder = file.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = folder.appendingPathComponent(".partial-\(UUID().uuidString)")
        let digest = RunningDigest()
        do {
            let body = DigestingSequence(base: request.body, digest: digest, limit: maxBytes)
            try await fileIO.writeFile(contents: body, path: partial.path, context: context)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            if digest.exceededLimit { throw tooLarge }
            throw error
        }
        let actual = digest.finalize()
        guard actual == expected else {
            try? FileManager.default.removeItem(at: partial)
            throw ProblemError(
                .badRequest, "digest mismatch",
                detail: "the \(digest.byteCount) bytes received hash to \(actual), not to the digest in the path")
        }
        do {
            try FileManager.default.moveItem(at: partial, to: file)
        } catch where FileManager.default.fileExists(atPath: file.path) {
            // Another upload of the same bytes finished first.
            try? FileManager.default.removeItem(at: partial)
            return Response(status: .ok)
        }
        context.logger.debug("attachment stored", metadata: ["digest": "\(expected)", "bytes": "\(digest.byteCount)"])
        return Response(status: .created)
    }

    private var tooLarge: ProblemError {
        ProblemError(.contentTooLarge, "attachment too large", detail: "at most \(maxBytes) bytes")
    }

    /// The file for the path's kiosk and digest, after the token and digest checks.
    private func location(_ context: StandInContext) throws -> URL {
        let kioskID = try context.requireKiosk()
        let digest = try PathCheck.digest(context)
        return directory.appendingPathComponent(kioskID, isDirectory: true).appendingPathComponent(digest)
    }
}
