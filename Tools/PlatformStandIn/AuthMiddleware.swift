import Hummingbird

/// The bearer tokens the stand-in accepts: one per kiosk, and one for `/admin`.
///
/// Tokens are compared in constant time, so how long a refusal takes says nothing about how
/// much of a guessed token was right ([RFC 6750](https://www.rfc-editor.org/rfc/rfc6750) §5.2).
struct TokenBook: Sendable {
    /// Kiosk id by token.
    private let kiosks: [(token: [UInt8], kioskID: String)]
    private let admin: [UInt8]

    init(kioskTokens: [String: String], adminToken: String) {
        kiosks = kioskTokens.sorted { $0.key < $1.key }.map { (Array($0.value.utf8), $0.key) }
        admin = Array(adminToken.utf8)
    }

    /// The kiosk this token belongs to, or nil.
    func kiosk(presenting token: Substring) -> String? {
        let presented = Array(token.utf8)
        var found: String?
        for entry in kiosks where Self.equal(entry.token, presented) { found = entry.kioskID }
        return found
    }

    /// Whether this is the admin token.
    func isAdmin(_ token: Substring) -> Bool { Self.equal(admin, Array(token.utf8)) }

    /// Compares every byte whatever the first difference, so the time depends on lengths only.
    private static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// The token of an `Authorization: Bearer TOKEN` header, or nil.
    static func bearerToken(of request: Request) -> Substring? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].drop { $0 == " " }
        return token.isEmpty ? nil : token
    }
}

/// Lets through `/v1` requests that carry a kiosk's bearer token, noting the kiosk in the
/// context; answers 401 otherwise. A path that names a kiosk is checked against it by
/// ``StandInContext/requireKiosk()``, which answers 403.
struct KioskAuthMiddleware: RouterMiddleware {
    typealias Context = StandInContext
    let tokens: TokenBook

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = TokenBook.bearerToken(of: request), let kiosk = tokens.kiosk(presenting: token) else {
            throw ProblemError(
                .unauthorized, "unauthorized", detail: "send Authorization: Bearer with this kiosk's token",
                headers: [.wwwAuthenticate: "Bearer realm=\"platform\""])
        }
        var context = context
        context.kioskID = kiosk
        return try await next(request, context)
    }
}

/// Lets through `/admin` requests that carry the admin token; answers 401 otherwise.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = StandInContext
    let tokens: TokenBook

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = TokenBook.bearerToken(of: request), tokens.isAdmin(token) else {
            throw ProblemError(
                .unauthorized, "unauthorized", detail: "send Authorization: Bearer with the admin token",
                headers: [.wwwAuthenticate: "Bearer realm=\"platform-admin\""])
        }
        return try await next(request, context)
    }
}

extension StandInContext {
    /// The `{kioskId}` of the path, when the request's token belongs to that kiosk; 403 otherwise.
    func requireKiosk() throws -> String {
        let pathKiosk = try parameters.require("kioskId")
        guard let kioskID, kioskID == pathKiosk else {
            throw ProblemError(.forbidden, "forbidden", detail: "this token does not belong to kiosk \(pathKiosk)")
        }
        return kioskID
    }
}
