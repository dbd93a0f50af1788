import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where the platform is and how the kiosk proves who it is.
public struct PlatformEndpoint: Sendable, Equatable {
    /// The base URL, e.g. `https://platform.example.gov.cn`; the API's paths go under it.
    public var baseURL: URL
    /// This kiosk's id, as the platform knows it.
    public var kioskID: String
    /// The bearer token the platform issued to this kiosk.
    public var token: String
    /// How long one request may take, connection included.
    public var requestTimeout: TimeInterval

    public init(baseURL: URL, kioskID: String, token: String, requestTimeout: TimeInterval = 30) {
        self.baseURL = baseURL
        self.kioskID = kioskID
        self.token = token
        self.requestTimeout = requestTimeout
    }
}

/// How a request to the platform failed, sorted by what the caller should do about it.
public enum PlatformError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer: refused, reset, dropped, timed out, or a name that does not resolve. Retry later.
    case unreachable(String)
    /// The platform answered that it cannot take requests now (5xx, 408, 429). Retry later, not
    /// before `retryAfter` when it said so.
    case unavailable(status: Int, retryAfter: TimeInterval?, detail: String)
    /// The platform refused the kiosk's token (401, 403): a configuration problem for an operator.
    case unauthorized(status: Int, detail: String)
    /// The request is too large for the platform (413).
    case tooLarge(detail: String)
    /// The platform refused the request itself (another 4xx): sending it again will not help.
    case refused(status: Int, detail: String)
    /// The answer was not what the API specifies.
    case badAnswer(String)

    public var description: String {
        switch self {
        case let .unreachable(reason): "the platform cannot be reached: \(reason)"
        case let .unavailable(status, retryAfter, detail):
            "the platform is unavailable (HTTP \(status)\(retryAfter.map { ", retry after \(Int($0)) s" } ?? "")): \(detail)"
        case let .unauthorized(status, detail):
            "the platform refuses this kiosk's token (HTTP \(status)): \(detail). Check platform.token-file or the platform-token credential."
        case let .tooLarge(detail): "the request is too large for the platform (HTTP 413): \(detail)"
        case let .refused(status, detail): "the platform refused the request (HTTP \(status)): \(detail)"
        case let .badAnswer(reason): "the platform's answer is not what the API specifies: \(reason)"
        }
    }

    /// Whether the platform may take the same request later.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .unavailable, .unauthorized, .badAnswer: true
        case .tooLarge, .refused: false
        }
    }
}

/// The kiosk's side of the platform API (`docs/api/platform.yaml`) over one pooled HTTP client,
/// so requests reuse kept-alive connections.
///
/// Every call throws ``PlatformError``; no call retries by itself: the uploader and the pickup sync
/// decide when to try again.
public final class PlatformClient: Sendable {
    public let endpoint: PlatformEndpoint
    private let http: HTTPClient
    /// Answers larger than this are refused rather than read into memory.
    private static let maxAnswerBytes = 64 << 20

    public init(endpoint: PlatformEndpoint) {
        self.endpoint = endpoint
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(
            connect: .seconds(Int64(min(endpoint.requestTimeout, 10))),
            read: .milliseconds(Int64(endpoint.requestTimeout * 1000)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        // A refused connection fails the request at once instead of being retried until the
        // timeout: the uploader has its own backoff, and the screen should say "offline" promptly.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes pooled connections. Call once, when the kiosk stops.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: - Endpoints

    /// `POST /v1/kiosks/{kioskId}/events` with a body the caller built (see ``EventBatchBody``).
    public func postEvents(body: Data, idempotencyKey: String) async throws(PlatformError) -> PlatformAPI.EventBatchResult {
        var request = makeRequest(path: "kiosks/\(escaped(endpoint.kioskID))/events", method: .POST)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(bytes: body))
        let (_, data) = try await send(request)
        return try decode(PlatformAPI.EventBatchResult.self, from: data)
    }

    /// `GET /v1/kiosks/{kioskId}/pickups?since=CURSOR`.
    public func pickups(since cursor: String?, limit: Int = 500) async throws(PlatformError) -> PlatformAPI.PickupPage {
        var query = "limit=\(limit)"
        if let cursor { query += "&since=\(escaped(cursor))" }
        let request = makeRequest(path: "kiosks/\(escaped(endpoint.kioskID))/pickups?\(query)", method: .GET)
        let (_, data) = try await send(request)
        return try decode(PlatformAPI.PickupPage.self, from: data)
    }

    /// `GET /v1/documents/{sha256}`: the bytes and their media type. The caller checks the digest.
    public func document(sha256 digest: String) async throws(PlatformError) -> (data: Data, format: String) {
        let request = makeRequest(path: "documents/\(escaped(digest))", method: .GET)
        let (head, data) = try await send(request)
        let format = head.headers.first(name: "Content-Type")?.split(separator: ";").first.map(String.init) ?? "application/octet-stream"
        return (data, format)
    }

    /// `PUT /v1/kiosks/{kioskId}/attachments/{sha256}` with a body streamed from `chunks`, so a
    /// large scan never sits whole in memory.
    public func putAttachment<Chunks: AsyncSequence & Sendable>(
        sha256 digest: String, length: Int64, chunks: Chunks
    ) async throws(PlatformError) where Chunks.Element == Data {
        var request = makeRequest(path: "kiosks/\(escaped(endpoint.kioskID))/attachments/\(escaped(digest))", method: .PUT)
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .stream(chunks.map { ByteBuffer(bytes: $0) }, length: .known(length))
        _ = try await send(request)
    }

    // MARK: - Private

    private func makeRequest(path: String, method: HTTPMethod) -> HTTPClientRequest {
        var base = endpoint.baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: "\(base)/\(PlatformAPI.version)/\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(endpoint.token)")
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    private func send(_ request: HTTPClientRequest) async throws(PlatformError) -> (HTTPClientResponse, Data) {
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .milliseconds(Int64(endpoint.requestTimeout * 1000)))
            body = try await response.body.collect(upTo: Self.maxAnswerBytes)
        } catch {
            throw .unreachable(Self.describe(error))
        }
        let data = Data(body.readableBytesView)
        let status = Int(response.status.code)
        if (200..<300).contains(status) { return (response, data) }
        let detail = Self.problemText(data) ?? response.status.reasonPhrase
        switch status {
        case 401, 403: throw .unauthorized(status: status, detail: detail)
        case 413: throw .tooLarge(detail: detail)
        case 408, 429, 500...599:
            throw .unavailable(status: status, retryAfter: Self.retryAfter(response.headers), detail: detail)
        default: throw .refused(status: status, detail: detail)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(PlatformError) -> T {
        do {
            return try PlatformAPI.makeDecoder().decode(type, from: data)
        } catch {
            throw .badAnswer("\(T.self): \(error)")
        }
    }

    private func escaped(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", "?", "&", "="])) ?? component
    }

    /// `Retry-After` as seconds: either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
    static func retryAfter(_ headers: HTTPHeaders) -> TimeInterval? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = TimeInterval(value), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSinceNow)
    }

    private static func problemText(_ data: Data) -> String? {
        guard let problem = try? JSONDecoder().decode(PlatformAPI.Problem.self, from: data) else { return nil }
        return [problem.error, problem.detail].compactMap { $0 }.joined(separator: ": ")
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .remoteConnectionClosed: return "the connection was closed before an answer"
            case .readTimeout, .deadlineExceeded: return "no answer in time"
            case .connectTimeout: return "no connection in time"
            default: return String(describing: error)
            }
        }
        return String(describing: error)
    }
}
