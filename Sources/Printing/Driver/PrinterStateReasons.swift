import DeviceKit

/// `printer-state-reasons` (RFC 8011 §5.4.12, PWG 5100.9) into DeviceKit health: what state the
/// printer is in, the reason an operator reads, and what to do. The table is in
/// docs/drivers/printing.md; a reason may carry a severity suffix (`-error`, `-warning`, `-report`),
/// and one without a suffix counts as an error, as RFC 8011 says.
public enum PrinterStateReasons {
    /// How one reason affects printing.
    struct Meaning {
        var state: DeviceHealth.State
        var reason: DeviceHealth.Reason
        var action: RecommendedAction
        /// Lower is more urgent, when several reasons are present.
        var rank: Int
        /// The code of the error a job gets for this reason: the reason itself for a reason of the
        /// table that stops printing; nil for a warning and for a word the printer made up
        /// (`vendor-specific-error`), which has no code.
        var code: DeviceErrorCode?
    }

    /// Known reasons by their name without suffix. Reasons that stop printing are user or hardware
    /// errors (or offline); the `-low` family only warns.
    static let table: [String: Meaning] = {
        var table: [String: Meaning] = [:]
        func add(_ names: [String], _ state: DeviceHealth.State, _ code: DeviceErrorCode, _ action: RecommendedAction, _ rank: Int) {
            for name in names { table[name] = Meaning(state: state, reason: DeviceHealth.Reason(code), action: action, rank: rank, code: code) }
        }
        func warn(_ names: [String], _ reason: DeviceHealth.Reason, _ action: RecommendedAction, _ rank: Int) {
            for name in names { table[name] = Meaning(state: .online, reason: reason, action: action, rank: rank, code: nil) }
        }
        add(["offline", "shutdown", "timed-out", "connecting-to-device"], .offline, .offline, .reset, 0)
        add(["media-jam"], .userError, .mediaJam, .maintenance, 10)
        add(["door-open", "cover-open", "interlock-open"], .userError, .doorOpen, .maintenance, 11)
        add(["input-tray-missing", "output-tray-missing"], .userError, .trayMissing, .maintenance, 12)
        add(["output-area-full"], .userError, .outputAreaFull, .maintenance, 13)
        add(["media-empty", "media-needed"], .userError, .mediaEmpty, .replenish, 14)
        add(["toner-empty"], .userError, .tonerEmpty, .replenish, 15)
        add(["marker-supply-empty"], .userError, .markerSupplyEmpty, .replenish, 15)
        add(["marker-waste-full"], .userError, .markerWasteFull, .maintenance, 16)
        add(["fuser-over-temp", "fuser-under-temp", "opc-life-over"], .hardwareError, .hardwareFault, .maintenance, 20)
        add(["cups-missing-filter", "cups-insecure-filter"], .hardwareError, .queueMisconfigured, .configuration, 21)
        warn(["media-low"], .mediaLow, .replenish, 40)
        warn(["toner-low"], .tonerLow, .replenish, 41)
        warn(["marker-supply-low"], .markerSupplyLow, .replenish, 41)
        warn(["marker-waste-almost-full"], .markerWasteAlmostFull, .maintenance, 42)
        warn(["opc-near-eol"], .opcNearEOL, .maintenance, 43)
        return table
    }()

    /// Splits `media-empty-error` into `media-empty` and `error`.
    static func split(_ keyword: String) -> (name: String, severity: String?) {
        for severity in ["error", "warning", "report"] where keyword.hasSuffix("-" + severity) {
            return (String(keyword.dropLast(severity.count + 1)), severity)
        }
        return (keyword, nil)
    }

    /// The meaning of one reason, downgraded to a warning when the printer says it is one.
    static func meaning(of keyword: String) -> Meaning? {
        let (name, severity) = split(keyword)
        if let known = table[name] {
            // `offline-report` is how CUPS says the device is offline; other reports and warnings
            // about a blocking condition still print.
            if known.state == .offline || severity == nil || severity == "error" { return known }
            return Meaning(state: .online, reason: known.reason, action: known.action, rank: known.rank + 100, code: known.code)
        }
        // An unknown reason that says it is an error stops the printer; CUPS' own `cups-*` notes,
        // `paused` (read from printer-state) and suffix-less vendor words do not.
        if severity == "error" { return Meaning(state: .hardwareError, reason: DeviceHealth.Reason(rawValue: name), action: .maintenance, rank: 30, code: nil) }
        return nil
    }

    /// The health of a queue as cupsd reports it.
    public static func health(of status: PrinterStatus) -> DeviceHealth {
        let meanings = status.reasons.compactMap(meaning(of:)).sorted { $0.rank < $1.rank }
        if let worst = meanings.first, worst.state == .offline {
            return DeviceHealth(state: .offline, reason: worst.reason, action: worst.action)
        }
        if status.deviceReachable == false { return DeviceHealth(state: .offline, reason: .deviceUnreachable, action: .reset) }
        if status.state == .stopped {
            // A stopped queue prints nothing; a reason that says why it stopped (out of paper) tells
            // the operator more than "paused".
            if let worst = meanings.first, worst.state != .online {
                return DeviceHealth(state: worst.state, reason: worst.reason, action: worst.action)
            }
            return DeviceHealth(state: .offline, reason: .paused, action: .maintenance)
        }
        if !status.acceptingJobs { return DeviceHealth(state: .offline, reason: .notAcceptingJobs, action: .maintenance) }
        if let worst = meanings.first, worst.state != .online {
            return DeviceHealth(state: worst.state, reason: worst.reason, action: worst.action)
        }
        let state: DeviceHealth.State = status.state == .processing ? .busy : .online
        if let warning = meanings.first { return DeviceHealth(state: state, reason: warning.reason, action: warning.action) }
        return DeviceHealth(state: state)
    }

    /// Why a job cannot be printed now, or nil when the queue takes it. A stopped queue would hold
    /// the job and print it later, after the citizen left: the driver refuses instead.
    public static func blockingError(_ status: PrinterStatus, queue: String) -> DeviceError? {
        let health = health(of: status)
        guard !health.isUsable, let reason = health.reason else { return nil }
        switch (health.state, reason) {
        case (.offline, .paused), (.offline, .notAcceptingJobs):
            return DeviceError(code: .printerStopped, action: .maintenance,
                               detail: "queue \(queue) is \(reason == .paused ? "stopped (paused)" : "not accepting jobs")")
        case (.offline, _):
            return DeviceError(code: .printerOffline, action: .reset, detail: "the printer of queue \(queue) is offline (\(reason))")
        default:
            // A reason of the table is the error's code. A word the printer made up is told in the
            // detail, under the table's code for the same state and action (hardware error,
            // maintenance): error codes are a fixed set that flows and operators can rely on.
            let code = table.values.first { $0.reason == reason }?.code ?? .hardwareFault
            return DeviceError(code: code, action: health.action, detail: "the printer of queue \(queue) reports \(reason)")
        }
    }
}
