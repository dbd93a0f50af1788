import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Outbox
import PlatformStandIn
import Testing
import WireFormat

/// The repository's root folder, for `Kiosk/demo`.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh, empty folder under the system's temporary folder.
func makeTemporaryFolder(_ name: String = "standin") throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// An answer as the tests look at it.
struct Answer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try PlatformAPI.makeDecoder().decode(type, from: body)
    }

    var problem: PlatformAPI.Problem? { try? decode(PlatformAPI.Problem.self) }
}

/// A stand-in on a free port of 127.0.0.1 with two kiosks, and an HTTP client to talk to it
/// over real HTTP.
struct Harness: Sendable {
    static let tokens = ["kiosk-1": "token-one", "kiosk-2": "token-two"]
    static let adminToken = "admin-token"

    let standIn: RunningStandIn
    let client: HTTPClient
    let folder: URL

    /// Starts a stand-in (with `configure` applied to its configuration), runs `body`, then
    /// stops everything and removes the data folder.
    static func with<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ configure: (inout StandInConfiguration) -> Void = { _ in },
        _ body: (Harness) async throws -> T
    ) async throws -> T {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = StandInConfiguration(
            dataDirectory: folder, kioskTokens: tokens, adminToken: adminToken, randomSeed: 42)
        configure(&configuration)
        let standIn = try await RunningStandIn.start(configuration)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let harness = Harness(standIn: standIn, client: client, folder: folder)
        do {
            let result = try await body(harness)
            try await client.shutdown()
            await standIn.stop()
            return result
        } catch {
            try? await client.shutdown()
            await standIn.stop()
            throw error
        }
    }

    /// Sends one request and collects the whole answer.
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = Harness.tokens["kiosk-1"],
        headers: [(String, String)] = [], body: Data? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: standIn.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
    }

    /// `POST /v1/kiosks/{kiosk}/events` with the batch's own key unless another is given.
    func post(
        _ batch: PlatformAPI.EventBatch, kiosk: String = "kiosk-1", key: String? = nil,
        token: String? = nil
    ) async throws -> Answer {
        let body = try PlatformAPI.makeEncoder().encode(batch)
        return try await send(
            .POST, "/v1/kiosks/\(kiosk)/events", token: token ?? Harness.tokens[kiosk],
            headers: [("Idempotency-Key", key ?? batch.idempotencyKey), ("Content-Type", "application/json")],
            body: body)
    }

    /// The per-item results of an answered batch, by item id.
    func results(of answer: Answer) throws -> [String: PlatformAPI.ItemResult] {
        let result = try answer.decode(PlatformAPI.EventBatchResult.self)
        return Dictionary(uniqueKeysWithValues: result.results.map { ($0.id, $0) })
    }

    /// One page of `GET /v1/kiosks/{kiosk}/pickups`.
    func pickups(kiosk: String = "kiosk-1", since: String? = nil, limit: Int? = nil) async throws -> PlatformAPI.PickupPage {
        var query: [String] = []
        if let since { query.append("since=\(since)") }
        if let limit { query.append("limit=\(limit)") }
        let answer = try await send(.GET, "/v1/kiosks/\(kiosk)/pickups" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")),
                                    token: Harness.tokens[kiosk])
        #expect(answer.status == 200)
        return try answer.decode(PlatformAPI.PickupPage.self)
    }
}

/// Makes events with fresh UUID ids. Times have binary-exact fractions, because the client's
/// `PlatformAPI.makeEncoder()` writes them (see `PlatformAPITests`).
enum Make {
    static func event(
        type: String = "rating", id: String = UUID().uuidString.lowercased(),
        at: Date = Date(timeIntervalSince1970: 1_795_000_000.125), payload: JSONValue = .object(["level": .number(5)])
    ) -> PlatformAPI.Event {
        PlatformAPI.Event(id: id, type: type, occurredAt: at, payload: payload)
    }

    static func collection(pickup: String, kiosk: String = "kiosk-1", at: Date = Date(timeIntervalSince1970: 1_795_000_100.375)) -> PlatformAPI.Event {
        event(type: "collection", at: at, payload: .object(["pickupId": .string(pickup), "kioskId": .string(kiosk)]))
    }

    static func batch(_ count: Int, type: String = "rating") -> PlatformAPI.EventBatch {
        PlatformAPI.EventBatch(items: (0..<count).map { _ in event(type: type) })
    }

    static func pickup(_ id: String, state: PlatformAPI.PickupRecord.State = .ready) -> PlatformAPI.PickupRecord {
        PlatformAPI.PickupRecord(
            id: id, holderKey: sha256Hex(Data(id.utf8)), titleZh: "营业执照", titleEn: "Business licence",
            departmentZh: "海口市市场监督管理局", departmentEn: "Haikou Market Supervision Administration",
            state: state)
    }
}

/// An async sequence of byte buffers cut from one `Data`, to stream a request body in chunks.
struct Chunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let data: Data
    let size: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let data: Data
        let size: Int
        var offset = 0

        mutating func next() async -> ByteBuffer? {
            guard offset < data.count else { return nil }
            let end = Swift.min(offset + size, data.count)
            defer { offset = end }
            return ByteBuffer(bytes: data[data.startIndex + offset ..< data.startIndex + end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(data: data, size: size) }
}

/// Whether two times are the same on the wire: ISO 8601 with milliseconds.
func sameMillisecond(_ a: Date, _ b: Date) -> Bool {
    (a.timeIntervalSince1970 * 1000).rounded() == (b.timeIntervalSince1970 * 1000).rounded()
}

/// Deterministic pseudo-random bytes.
func pseudoRandomBytes(count: Int, seed: UInt64) -> Data {
    var state = seed
    var data = Data(capacity: count)
    while data.count < count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        withUnsafeBytes(of: state.bigEndian) { data.append(contentsOf: $0.prefix(count - data.count)) }
    }
    return data
}
