import Foundation
import Hummingbird
import Outbox

/// An error answer with a ``PlatformAPI/Problem`` body: every 4xx and 5xx of the stand-in, so a
/// kiosk (and an operator reading its log) always gets words, never a bare status.
struct ProblemError: HTTPResponseError {
    var status: HTTPResponse.Status
    var problem: PlatformAPI.Problem
    var headers: HTTPFields

    init(_ status: HTTPResponse.Status, _ error: String, detail: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.problem = PlatformAPI.Problem(error: error, detail: detail)
        self.headers = headers
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response.json(problem, status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    /// A JSON answer encoded with `PlatformAPI.makeEncoder()` (ISO 8601 times with milliseconds,
    /// sorted keys).
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        // Encoding the API's own value types cannot fail; an empty object is the safe fallback.
        let data = (try? PlatformAPI.makeEncoder().encode(value)) ?? Data("{}".utf8)
        return json(data: data, status: status)
    }

    /// A JSON answer of already encoded bytes.
    static func json(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error thrown below it into a ``ProblemError`` answer: Hummingbird's own
/// `HTTPError`s (404 for an unknown path, 413 for a body too large) and anything unexpected,
/// which becomes a 500 whose detail is logged but not sent.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ProblemError {
            throw error
        } catch let error as ConnectionDropped {
            throw error
        } catch let error as HTTPError {
            let title = error.status.reasonPhrase.isEmpty ? "HTTP \(error.status.code)" : error.status.reasonPhrase.lowercased()
            throw ProblemError(error.status, title, detail: error.body, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw ProblemError(error.status, error.status.reasonPhrase.lowercased())
        } catch let error as StandInError {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw ProblemError(.internalServerError, "internal error", detail: "the stand-in's store failed; see its log")
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw ProblemError(.internalServerError, "internal error")
        }
    }
}

/// Thrown after a fault closed the connection: there is nobody left to answer.
struct ConnectionDropped: Error {}
