import Foundation
import Logging

/// How to run the platform stand-in: where it listens, where it keeps its data, who may call it,
/// and which faults it injects from the start.
///
/// The stand-in is the platform API of `docs/api/platform.yaml` served by a real HTTP server with
/// its own SQLite file, for development, tests, the demo and the benchmarks. It is never linked
/// into `kioskd`.
public struct StandInConfiguration: Sendable {
    /// The address to listen on; `127.0.0.1` keeps the stand-in off the network.
    public var host: String
    /// The TCP port; 0 lets the system pick a free one, which ``RunningStandIn/port`` then reports.
    public var port: Int
    /// The folder that holds `platform.sqlite` and the `attachments` folder. Created if missing.
    public var dataDirectory: URL
    /// The bearer token of each kiosk, by kiosk id. A token opens only its own kiosk's paths
    /// (and `GET /v1/documents/…`, which any kiosk may read).
    public var kioskTokens: [String: String]
    /// The bearer token of the `/admin` endpoints; different from every kiosk token.
    public var adminToken: String
    /// The faults injected from the start; ``RunningStandIn/setFaults(_:)`` changes them later.
    public var faults: Faults
    /// Seeds the generator that decides which request gets a fault, so a test can replay the
    /// same sequence of decisions. Nil draws a seed from the system.
    public var randomSeed: UInt64?
    /// Pickups and documents stored at start, e.g. from ``DemoSeed/load(folder:salt:)``.
    /// Pickups the store already knows are left as they are, so a restart keeps collections.
    public var seed: DemoSeed?
    /// The level of the stand-in's own log messages.
    public var logLevel: Logger.Level

    /// The most items one `POST …/events` may carry; more answers 413.
    public var maxBatchItems: Int
    /// The largest `POST …/events` body in bytes; more answers 413.
    public var maxBatchBytes: Int
    /// The largest attachment in bytes; more answers 413 and the partial file is deleted.
    public var maxAttachmentBytes: Int
    /// The largest document an administrator may store in bytes.
    public var maxDocumentBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 0, dataDirectory: URL,
        kioskTokens: [String: String], adminToken: String, faults: Faults = Faults(),
        randomSeed: UInt64? = nil, seed: DemoSeed? = nil, logLevel: Logger.Level = .warning,
        maxBatchItems: Int = 1000, maxBatchBytes: Int = 4 * 1024 * 1024,
        maxAttachmentBytes: Int = 256 * 1024 * 1024, maxDocumentBytes: Int = 64 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.kioskTokens = kioskTokens
        self.adminToken = adminToken
        self.faults = faults
        self.randomSeed = randomSeed
        self.seed = seed
        self.logLevel = logLevel
        self.maxBatchItems = maxBatchItems
        self.maxBatchBytes = maxBatchBytes
        self.maxAttachmentBytes = maxAttachmentBytes
        self.maxDocumentBytes = maxDocumentBytes
    }

    /// Checks what a typo would otherwise turn into a confusing 401 or a file in the wrong place.
    ///
    /// Kiosk ids name folders under `attachments/`, so they are limited to letters, digits, `.`,
    /// `_` and `-` and may not start with a dot. Tokens must be non-empty and distinct, because
    /// a token identifies its kiosk.
    public func validate() throws(StandInError) {
        guard (0...65535).contains(port) else { throw .invalidConfiguration("port \(port) is not 0…65535") }
        guard !kioskTokens.isEmpty else { throw .invalidConfiguration("no kiosk tokens configured") }
        var seen: [String: String] = [:]
        for (kiosk, token) in kioskTokens.sorted(by: { $0.key < $1.key }) {
            guard Self.isValidKioskID(kiosk) else {
                throw .invalidConfiguration("kiosk id \"\(kiosk)\" must be 1…64 letters, digits, '.', '_' or '-', not starting with '.'")
            }
            guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
                throw .invalidConfiguration("the token of kiosk \(kiosk) is empty or contains spaces")
            }
            if let other = seen[token] {
                throw .invalidConfiguration("kiosks \(other) and \(kiosk) have the same token")
            }
            seen[token] = kiosk
        }
        guard !adminToken.isEmpty, !adminToken.contains(where: \.isWhitespace) else {
            throw .invalidConfiguration("the admin token is empty or contains spaces")
        }
        if let kiosk = seen[adminToken] {
            throw .invalidConfiguration("the admin token is also the token of kiosk \(kiosk)")
        }
        try faults.validate()
    }

    /// Whether `id` may name a kiosk (and its attachments folder).
    public static func isValidKioskID(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count), !id.hasPrefix(".") else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    /// The SQLite file inside ``dataDirectory``.
    var databasePath: String { dataDirectory.appendingPathComponent("platform.sqlite").path }
    /// The folder of streamed attachments inside ``dataDirectory``.
    var attachmentsDirectory: URL { dataDirectory.appendingPathComponent("attachments", isDirectory: true) }
}

/// Why the stand-in cannot start or an in-process call failed.
public enum StandInError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A setting is wrong; the text says which.
    case invalidConfiguration(String)
    /// The SQLite store failed; the text is SQLite's.
    case store(String)
    /// The server stopped (or failed to bind) before it listened.
    case notListening(String)
    /// No pickup has this id.
    case unknownPickup(String)
    /// The bytes do not hash to the digest they were stored under.
    case digestMismatch(expected: String, actual: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let text): "invalid configuration: \(text)"
        case .store(let text): "platform store: \(text)"
        case .notListening(let text): "the stand-in is not listening: \(text)"
        case .unknownPickup(let id): "unknown pickup \(id)"
        case .digestMismatch(let expected, let actual): "digest mismatch: expected \(expected), got \(actual)"
        }
    }
}
