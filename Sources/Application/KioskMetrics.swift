import Prometheus
import Synchronization

/// The kiosk's operational metrics, in the Prometheus text format: visits, device health, prints,
/// errors and the outbox. Read by `kioskctl metrics` and, when configured, by the local monitoring
/// agent over `MetricsHTTPServer`. See `docs/metrics.md` for every metric.
///
/// Safe from any thread. Label values are sanitised (see ``sanitize(_:)``), and no call takes
/// personal data: flows, reasons, device ids, roles, states and kinds only.
public final class KioskMetrics: Sendable {
    /// The device states `kiosk_device_state` has a series for, as `DeviceHealth.State` spells them.
    public static let deviceStates = ["online", "busy", "offline", "hardware-error", "user-error"]
    /// The outbox states `kiosk_outbox_items` has a series for.
    public static let outboxStates = ["pending", "retry", "dead"]
    /// Upload durations in seconds: from a quick local round trip to a platform at its timeout.
    public static let uploadBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    /// Longest label value kept; the rest is cut off.
    public static let maximumLabelLength = 64

    /// The registry underneath, for anything this type does not cover yet.
    public let registry: PrometheusCollectorRegistry
    /// Makes the up-and-state update of one device a unit, so two reports cannot leave two states at 1.
    private let deviceLock = Mutex(())

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        // The queue's gauges exist from the start, so a scrape before the first refresh shows zeros.
        queue(pending: 0, retry: 0, dead: 0, oldestPendingAgeSeconds: nil)
    }

    /// A citizen chose a flow (the runtime's `flowStarted` action).
    public func flowStarted(flow: String) {
        increment(.flowsStarted, [("flow", flow)])
    }

    /// A visit ended; `reason` is `finished`, `idle-timeout`, `cancelled` or `card-removed`
    /// (`SessionEndReason.rawValue`).
    public func sessionEnded(flow: String, reason: String) {
        increment(.sessions, [("flow", flow), ("outcome", reason)])
    }

    /// A device's health as last reported; `state` is `DeviceHealth.State.rawValue`. A state outside
    /// ``deviceStates`` counts as down with every state series at 0.
    public func deviceHealth(deviceID: String, role: String, state: String) {
        let device = Self.sanitize(deviceID), role = Self.sanitize(role)
        deviceLock.withLock { _ in
            registry.makeGauge(descriptor: Family.deviceUp.descriptor, labels: [("device", device), ("role", role)])
                .set(to: state == "online" || state == "busy" ? 1 : 0)
            for candidate in Self.deviceStates {
                registry.makeGauge(descriptor: Family.deviceState.descriptor,
                                   labels: [("device", device), ("role", role), ("state", candidate)])
                    .set(to: candidate == state ? 1 : 0)
            }
        }
    }

    /// Something went wrong that an operator should see in a graph; `kind` is a short code such as
    /// `DeviceError.code` or `collection-not-recorded`, never a message with details.
    public func error(kind: String) {
        increment(.errors, [("kind", kind)])
    }

    /// A print job ended; `kind` is `certificate`, `receipt` or `test-page`, `outcome` is
    /// `completed` or `failed`.
    public func printFinished(kind: String, outcome: String) {
        increment(.prints, [("kind", kind), ("outcome", outcome)])
    }

    /// Counts one in `family`'s series for `labels`, their values sanitised (they may come from data).
    private func increment(_ family: Family, _ labels: [(String, String)]) {
        registry.makeCounter(descriptor: family.descriptor, labels: labels.map { ($0.0, Self.sanitize($0.1)) }).increment()
    }

    /// The outbox as it is now; call before rendering (see `MetricsHTTPServer`'s `refresh`).
    public func queue(pending: Int, retry: Int, dead: Int, oldestPendingAgeSeconds: Double?) {
        for (state, count) in zip(Self.outboxStates, [pending, retry, dead]) {
            registry.makeGauge(descriptor: Family.outboxItems.descriptor, labels: [("state", state)])
                .set(to: Double(count))
        }
        let age = oldestPendingAgeSeconds.flatMap { $0.isFinite ? max(0, $0) : nil } ?? 0
        registry.makeGauge(descriptor: Family.oldestPendingAge.descriptor).set(to: age)
    }

    /// Whether the platform answers (1) or not (0), and how many operator alerts are open.
    public func platform(online: Bool, openAlerts: Int) {
        registry.makeGauge(descriptor: Family.platformUp.descriptor).set(to: online ? 1 : 0)
        registry.makeGauge(descriptor: Family.operatorAlerts.descriptor).set(to: Double(openAlerts))
    }

    /// An upload to the platform ended after `seconds`; `outcome` is e.g. `delivered`, `retry` or
    /// `dead`. The uploader's hook.
    public func uploadFinished(seconds: Double, outcome: String) {
        registry.makeValueHistogram(descriptor: Family.uploadDuration.descriptor,
                                    labels: [("outcome", Self.sanitize(outcome))], buckets: Self.uploadBuckets)
            .record(seconds.isFinite ? max(0, seconds) : 0)
    }

    /// Every metric in the Prometheus text exposition format (version 0.0.4), as the registry emits it.
    public func render() -> String {
        registry.emitToString()
    }

    /// Keeps ASCII letters, digits, `-`, `_` and `.`; every other character becomes `_`. Cut to
    /// ``maximumLabelLength``; an empty value becomes `unknown`. So a label can never break the format.
    public static func sanitize(_ value: String) -> String {
        var result = ""
        for scalar in value.unicodeScalars.prefix(maximumLabelLength) {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": result.unicodeScalars.append(scalar)
            default: result.append("_")
            }
        }
        return result.isEmpty ? "unknown" : result
    }

    /// A metric's name and help text. The library's descriptor is not `Sendable`, so it is made on use.
    private struct Family: Sendable {
        let name: String
        let unit: String
        let help: String

        var descriptor: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "kiosk", metricName: name, unitName: unit, helpText: help)
        }

        static let flowsStarted = Family(name: "flows_started", unit: "total", help: "Flows citizens started, by flow.")
        static let sessions = Family(name: "sessions", unit: "total",
                                     help: "Visits that ended, by the flow they were in and how they ended.")
        static let deviceUp = Family(name: "device_up", unit: "",
                                     help: "1 if the device is usable (online or busy), else 0.")
        static let deviceState = Family(name: "device_state", unit: "",
                                         help: "1 for the state the device is in, 0 for the others.")
        static let errors = Family(name: "errors", unit: "total", help: "Errors by kind.")
        static let prints = Family(name: "prints", unit: "total", help: "Print jobs that ended, by kind and outcome.")
        static let outboxItems = Family(name: "outbox_items", unit: "",
                                        help: "Outbox items waiting for the platform, by state.")
        static let oldestPendingAge = Family(name: "outbox_oldest_pending_age", unit: "seconds",
                                             help: "Age of the oldest pending outbox item; 0 when none is pending.")
        static let uploadDuration = Family(name: "upload_duration", unit: "seconds",
                                           help: "Time an upload to the platform took, by outcome.")
        static let platformUp = Family(name: "platform_up", unit: "",
                                       help: "1 if the platform answered the last request, else 0.")
        static let operatorAlerts = Family(name: "operator_alerts", unit: "",
                                           help: "Open operator alerts (pickup conflicts, queue over its cap, token refused, ...).")
    }
}
