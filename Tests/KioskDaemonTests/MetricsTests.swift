import Application
import Foundation
import KioskDaemon
import Logging
import ServiceLifecycle
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The kiosk's metrics: what `render()` shows after each hook, that no label can break the text
/// format, and the loopback-only HTTP endpoint.
@Suite struct MetricsTests {
    @Test func countersAppearWithTheirLabelsAndValues() throws {
        let metrics = KioskMetrics()
        metrics.flowStarted(flow: "collect")
        metrics.flowStarted(flow: "collect")
        metrics.flowStarted(flow: "results")
        metrics.sessionEnded(flow: "collect", reason: "finished")
        metrics.sessionEnded(flow: "collect", reason: "idle-timeout")
        metrics.sessionEnded(flow: "collect", reason: "idle-timeout")
        metrics.error(kind: "media-jam")
        metrics.printFinished(kind: "certificate", outcome: "completed")
        metrics.printFinished(kind: "receipt", outcome: "failed")
        metrics.uploadFinished(seconds: 0.375, outcome: "delivered")
        metrics.uploadFinished(seconds: 7.5, outcome: "delivered")
        metrics.platform(online: false, openAlerts: 2)

        let text = metrics.render()
        let samples = try Exposition.samples(text)
        #expect(samples[#"kiosk_flows_started_total{flow="collect"}"#] == 2)
        #expect(samples[#"kiosk_flows_started_total{flow="results"}"#] == 1)
        #expect(samples[#"kiosk_sessions_total{flow="collect",outcome="finished"}"#] == 1)
        #expect(samples[#"kiosk_sessions_total{flow="collect",outcome="idle-timeout"}"#] == 2)
        #expect(samples[#"kiosk_errors_total{kind="media-jam"}"#] == 1)
        #expect(samples[#"kiosk_prints_total{kind="certificate",outcome="completed"}"#] == 1)
        #expect(samples[#"kiosk_prints_total{kind="receipt",outcome="failed"}"#] == 1)
        #expect(samples[#"kiosk_prints_total{kind="receipt",outcome="completed"}"#] == nil)
        // Buckets are cumulative: 0.375 s falls in 0.5 and up, 7 s in 10 and up.
        #expect(samples[#"kiosk_upload_duration_seconds_bucket{outcome="delivered",le="0.25"}"#] == 0)
        #expect(samples[#"kiosk_upload_duration_seconds_bucket{outcome="delivered",le="0.5"}"#] == 1)
        #expect(samples[#"kiosk_upload_duration_seconds_bucket{outcome="delivered",le="10.0"}"#] == 2)
        #expect(samples[#"kiosk_upload_duration_seconds_bucket{outcome="delivered",le="+Inf"}"#] == 2)
        #expect(samples[#"kiosk_upload_duration_seconds_count{outcome="delivered"}"#] == 2)
        #expect(samples[#"kiosk_upload_duration_seconds_sum{outcome="delivered"}"#] == 7.875)
        #expect(samples["kiosk_platform_up"] == 0)
        #expect(samples["kiosk_operator_alerts"] == 2)

        #expect(text.contains("# TYPE kiosk_flows_started_total counter\n"))
        #expect(text.contains("# TYPE kiosk_device_up gauge\n") == false, "no device reported yet")
        #expect(text.contains("# TYPE kiosk_upload_duration_seconds histogram\n"))
        #expect(text.contains("# HELP kiosk_sessions_total "))
        #expect(text.contains("# HELP kiosk_outbox_oldest_pending_age_seconds "))
    }

    @Test func queueGaugesExistFromTheStartAndFollowTheOutbox() throws {
        let metrics = KioskMetrics()
        var samples = try Exposition.samples(metrics.render())
        for state in ["pending", "retry", "dead"] {
            #expect(samples[#"kiosk_outbox_items{state="\#(state)"}"#] == 0)
        }
        #expect(samples["kiosk_outbox_oldest_pending_age_seconds"] == 0)

        metrics.queue(pending: 4, retry: 2, dead: 1, oldestPendingAgeSeconds: 93.5)
        samples = try Exposition.samples(metrics.render())
        #expect(samples[#"kiosk_outbox_items{state="pending"}"#] == 4)
        #expect(samples[#"kiosk_outbox_items{state="retry"}"#] == 2)
        #expect(samples[#"kiosk_outbox_items{state="dead"}"#] == 1)
        #expect(samples["kiosk_outbox_oldest_pending_age_seconds"] == 93.5)

        metrics.queue(pending: 0, retry: 0, dead: 1, oldestPendingAgeSeconds: nil)
        samples = try Exposition.samples(metrics.render())
        #expect(samples[#"kiosk_outbox_items{state="pending"}"#] == 0)
        #expect(samples["kiosk_outbox_oldest_pending_age_seconds"] == 0, "0 when nothing is pending")
    }

    @Test func deviceStateGaugesSwitchWithTheState() throws {
        let metrics = KioskMetrics()
        func states(_ device: String) throws -> (up: Double?, on: [String]) {
            let samples = try Exposition.samples(metrics.render())
            var on: [String] = []
            for state in KioskMetrics.deviceStates {
                let value = samples[#"kiosk_device_state{device="\#(device)",role="certificate-printer",state="\#(state)"}"#]
                #expect(value != nil, "every state has a series")
                if value == 1 { on.append(state) }
            }
            return (samples[#"kiosk_device_up{device="\#(device)",role="certificate-printer"}"#], on)
        }

        metrics.deviceHealth(deviceID: "a4-printer", role: "certificate-printer", state: "online")
        var now = try states("a4-printer")
        #expect(now.up == 1 && now.on == ["online"])

        metrics.deviceHealth(deviceID: "a4-printer", role: "certificate-printer", state: "user-error")
        now = try states("a4-printer")
        #expect(now.up == 0 && now.on == ["user-error"])

        metrics.deviceHealth(deviceID: "a4-printer", role: "certificate-printer", state: "busy")
        now = try states("a4-printer")
        #expect(now.up == 1 && now.on == ["busy"])

        metrics.deviceHealth(deviceID: "a4-printer", role: "certificate-printer", state: "hardware-error")
        now = try states("a4-printer")
        #expect(now.up == 0 && now.on == ["hardware-error"])

        // A second device is a separate series and leaves the first alone.
        metrics.deviceHealth(deviceID: "a4-printer-2", role: "certificate-printer", state: "offline")
        #expect(try states("a4-printer-2").on == ["offline"])
        #expect(try states("a4-printer").on == ["hardware-error"])

        // A state this build does not know is down, with no state at 1.
        metrics.deviceHealth(deviceID: "a4-printer", role: "certificate-printer", state: "exploded")
        now = try states("a4-printer")
        #expect(now.up == 0 && now.on.isEmpty)
    }

    @Test func hostileLabelsAreSanitisedAndTheOutputStillParses() throws {
        let metrics = KioskMetrics()
        let hostile = "printer 1\"} 1\nkiosk_fake_total 99\n# TYPE x counter\\ 测试\u{0}"
        metrics.deviceHealth(deviceID: hostile, role: "certificate printer", state: "online")
        metrics.error(kind: hostile)
        metrics.flowStarted(flow: "")
        metrics.sessionEnded(flow: String(repeating: "x", count: 500), reason: "cancelled")

        let text = metrics.render()
        let samples = try Exposition.samples(text)  // throws on any line that is not a sample or a comment
        let clean = "printer_1___1_kiosk_fake_total_99___TYPE_x_counter_____"
        #expect(KioskMetrics.sanitize(hostile) == clean)
        #expect(samples[#"kiosk_errors_total{kind="\#(clean)"}"#] == 1)
        #expect(samples[#"kiosk_device_up{device="\#(clean)",role="certificate_printer"}"#] == 1)
        #expect(samples[#"kiosk_flows_started_total{flow="unknown"}"#] == 1)
        let long = String(repeating: "x", count: KioskMetrics.maximumLabelLength)
        #expect(samples[#"kiosk_sessions_total{flow="\#(long)",outcome="cancelled"}"#] == 1)
        #expect(!samples.keys.contains { $0.hasPrefix("kiosk_fake") })
        #expect(!text.contains("测") && !text.contains("\u{0}"))

        #expect(KioskMetrics.sanitize("sim-printer_2.local") == "sim-printer_2.local")
    }

    @Test(.timeLimit(.minutes(1))) func endpointAnswersMetricsAndRefusesEverythingElse() async throws {
        let metrics = KioskMetrics()
        metrics.flowStarted(flow: "collect")
        let refreshes = Mutex(0)
        let (bound, boundContinuation) = AsyncStream<Int>.makeStream()
        let server = MetricsHTTPServer(host: "127.0.0.1", port: 0, metrics: metrics, refresh: {
            let count = refreshes.withLock { $0 += 1; return $0 }
            metrics.queue(pending: count * 10, retry: 0, dead: 0, oldestPendingAgeSeconds: 5)
        }, logger: quietLogger, onBound: { boundContinuation.yield($0) })
        let group = ServiceGroup(services: [server], logger: quietLogger)
        let running = Task { try await group.run() }
        var ports = bound.makeAsyncIterator()
        let port = try #require(await ports.next())
        #expect(port > 0)

        let ok = try await onOwnThread {
            try HTTPExchange.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", port: port)
        }
        #expect(ok.count == 1)
        let response = try #require(ok.first)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.headers["content-length"] == String(response.body.utf8.count))
        let samples = try Exposition.samples(response.body)
        #expect(samples[#"kiosk_flows_started_total{flow="collect"}"#] == 1)
        #expect(samples[#"kiosk_outbox_items{state="pending"}"#] == 10, "refresh runs before the text is made")
        #expect(samples["kiosk_outbox_oldest_pending_age_seconds"] == 5)

        // Keep-alive and pipelining: three requests on one connection, answered in order.
        let three = try await onOwnThread {
            try HTTPExchange.send(
                "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /other HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc", port: port)
        }
        #expect(three.map(\.status) == [200, 404, 405])
        let again = try Exposition.samples(try #require(three.first).body)
        #expect(again[#"kiosk_outbox_items{state="pending"}"#] == 20)
        #expect(three.last?.headers["allow"] == "GET")
        #expect(refreshes.withLock { $0 } == 2, "only GET /metrics refreshes")

        // A port already taken is an error from run(), not a hang (the kiosk runs the endpoint as
        // a service whose failure is logged).
        let clash = MetricsHTTPServer(host: "127.0.0.1", port: port, metrics: metrics, refresh: {}, logger: quietLogger,
                                      onBound: { _ in Issue.record("bound to a port in use") })
        await #expect(throws: (any Error).self) { try await clash.run() }

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(throws: HTTPExchange.Failure.self) {
            try HTTPExchange.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", port: port)
        }
    }

    @Test(.timeLimit(.minutes(1))) func onlyLoopbackAddressesAreAccepted() async throws {
        for host in ["0.0.0.0", "192.168.1.20", "::", "10.0.0.1", "::ffff:192.168.1.20"] {
            let server = MetricsHTTPServer(host: host, port: 0, metrics: KioskMetrics(), refresh: {}, logger: quietLogger,
                                           onBound: { _ in Issue.record("bound to \(host)") })
            await #expect(throws: MetricsServerError.notLoopback(host)) { try await server.run() }
        }
        let named = MetricsHTTPServer(host: "metrics.example.org", port: 0, metrics: KioskMetrics(), refresh: {},
                                      logger: quietLogger)
        await #expect(throws: MetricsServerError.badAddress("metrics.example.org")) { try await named.run() }
        #expect(MetricsServerError.notLoopback("0.0.0.0").description.contains("loopback"))

        // The configuration's form, checked before anything starts.
        for (text, host) in ["127.0.0.1:9464": "127.0.0.1", "127.0.0.53:9464": "127.0.0.53", "[::1]:9464": "::1",
                             "localhost:9464": "localhost"] {
            let parsed = try MetricsHTTPServer.parseListen(text)
            #expect(parsed.host == host && parsed.port == 9464, "\(text)")
        }
        #expect(throws: MetricsServerError.notLoopback("0.0.0.0")) { try MetricsHTTPServer.parseListen("0.0.0.0:9464") }
        #expect(throws: MetricsServerError.notLoopback("::")) { try MetricsHTTPServer.parseListen("[::]:9464") }
        #expect(throws: MetricsServerError.badPort("99999")) { try MetricsHTTPServer.parseListen("127.0.0.1:99999") }
        #expect(throws: MetricsServerError.badPort("")) { try MetricsHTTPServer.parseListen("127.0.0.1:") }
        #expect(throws: MetricsServerError.badAddress("9464")) { try MetricsHTTPServer.parseListen("9464") }
        #expect(throws: MetricsServerError.badAddress("::1:9464")) { try MetricsHTTPServer.parseListen("::1:9464") }
    }
}

private let quietLogger: Logger = {
    var logger = Logger(label: "metrics-test")
    logger.logLevel = .critical
    return logger
}()

/// Reads the Prometheus text format strictly: every line is `# HELP`, `# TYPE` or
/// `name{label="value",...} number`, where label values may hold only what `sanitize` keeps.
enum Exposition {
    struct BadLine: Error, CustomStringConvertible {
        let line: String
        var description: String { "not a line of the exposition format: \(line.debugDescription)" }
    }

    /// Samples keyed by `name{labels}` exactly as written.
    static func samples(_ text: String) throws -> [String: Double] {
        let comment = try Regex(#"^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* [^\n]*$"#)
        let sample = try Regex(#"^([a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[A-Za-z0-9_.+-]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[A-Za-z0-9_.+-]*")*\})?) ([^ ]+)$"#)
        #expect(text.hasSuffix("\n"))
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.wholeMatch(of: comment) != nil { continue }
            guard let match = line.wholeMatch(of: sample), let key = match.output[1].substring,
                  let valueText = match.output[4].substring, let value = Double(valueText),
                  result[String(key)] == nil else { throw BadLine(line: String(line)) }
            result[String(key)] = value
        }
        return result
    }
}

/// A plain POSIX TCP client: sends raw bytes to 127.0.0.1 and reads responses until the server
/// closes the connection.
enum HTTPExchange {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    struct Failure: Error {
        let reason: String
    }

    static func send(_ request: String, port: Int) throws -> [Response] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(reason: "socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(reason: "connect: \(errno)") }
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw Failure(reason: "send: \(errno)")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw Failure(reason: "recv: \(errno)") }
            received += buffer[..<count]
        }
        return try parse(received)
    }

    /// Splits a stream of responses, each framed by its Content-Length.
    static func parse(_ bytes: [UInt8]) throws -> [Response] {
        var responses: [Response] = []
        var rest = bytes[...]
        let separator = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let end = rest.indices.first(where: { rest[$0...].starts(with: separator) }) else {
                throw Failure(reason: "no end of headers")
            }
            let lines = String(decoding: rest[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(reason: "status line \(lines[0])") }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            guard let length = headers["content-length"].flatMap(Int.init) else { throw Failure(reason: "no Content-Length") }
            let bodyStart = end + separator.count
            guard rest.endIndex - bodyStart >= length else { throw Failure(reason: "short body") }
            responses.append(Response(status: status, headers: headers,
                                      body: String(decoding: rest[bodyStart..<bodyStart + length], as: UTF8.self)))
            rest = rest[(bodyStart + length)...]
        }
        return responses
    }
}
