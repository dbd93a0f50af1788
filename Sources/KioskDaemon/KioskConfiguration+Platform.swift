import Foundation
import Outbox
import YAMLData

/// The `platform:` and `sealing:` sections of kiosk.yaml: where the outbox uploads and the pickup
/// sync fetches, and how personal data is sealed at rest. See docs/configuration.md.
public struct PlatformConfiguration: Sendable, Equatable {
    /// The platform's base URL; nil runs the kiosk without one: everything stays queued.
    public var url: URL?
    /// The file with the kiosk's bearer token, when no `platform-token` systemd credential is given.
    public var tokenFile: String?
    public var requestTimeout: TimeInterval = 30
    public var uploader = UploaderSettings()
    /// How often the pickup manifest is fetched.
    public var syncInterval: TimeInterval = 60
    /// Pickups expired longer than this are purged from the cache.
    public var purgeExpiredAfter: TimeInterval = 7 * 86_400

    static let fields: Set<String> = [
        "url", "token-file", "request-timeout-seconds", "batch-items", "batch-bytes", "backoff-base-ms",
        "backoff-cap-seconds", "retention-days", "queue-cap-mb", "sync-interval-seconds",
    ]

    mutating func read(_ node: DataNode, resolve: (String) -> URL) {
        node.rejectUnknownKeys(Self.fields)
        if let urlNode = node.optional("url"), let text = urlNode.nonEmptyString() {
            if let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
               let host = url.host, !host.isEmpty {
                if scheme == "http" && !Self.isLoopback(host) {
                    urlNode.problem("use https:// for a platform that is not on this machine; personal data travels to it")
                }
                self.url = url
            } else {
                urlNode.problem("give an http:// or https:// URL with a host, e.g. https://platform.example.gov.cn")
            }
        }
        if let text = node.optional("token-file")?.nonEmptyString() { tokenFile = resolve(text).path }
        if let value = node.optional("request-timeout-seconds")?.int(in: 1...600) { requestTimeout = TimeInterval(value) }
        if let value = node.optional("batch-items")?.int(in: 1...1000) { uploader.batchMaxItems = value }
        if let value = node.optional("batch-bytes")?.int(in: 1024...(4 << 20)) { uploader.batchMaxBytes = value }
        var backoff = uploader.backoff
        if let value = node.optional("backoff-base-ms")?.int(in: 1...600_000) { backoff.base = TimeInterval(value) / 1000 }
        if let value = node.optional("backoff-cap-seconds")?.int(in: 1...86_400) { backoff.cap = TimeInterval(value) }
        uploader.backoff = Backoff(base: backoff.base, cap: backoff.cap)
        if let value = node.optional("retention-days")?.int(in: 0...365) { uploader.retention = TimeInterval(value) * 86_400 }
        if let value = node.optional("queue-cap-mb")?.int(in: 1...1_000_000) { uploader.sizeCap = Int64(value) << 20 }
        if let value = node.optional("sync-interval-seconds")?.int(in: 1...86_400) { syncInterval = TimeInterval(value) }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}

/// The `sealing:` section.
public struct SealingConfiguration: Sendable, Equatable {
    /// Refuse to start without a key. On for every real kiosk; the demo runs without.
    public var required = false
    /// The key file, when no `sealing-key` systemd credential is given.
    public var keyFile: String?

    mutating func read(_ node: DataNode, resolve: (String) -> URL) {
        node.rejectUnknownKeys(["required", "key-file"])
        if let value = node.optional("required")?.bool() { required = value }
        if let text = node.optional("key-file")?.nonEmptyString() { keyFile = resolve(text).path }
    }
}
