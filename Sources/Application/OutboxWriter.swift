import DeviceKit
import Foundation
import Logging
import Outbox
import OutboxStatus
import Synchronization

/// Queues what the kiosk reports to the platform, and turns device health into operator alerts.
/// A write that fails is logged loudly and raised as `queue-write-failed` in memory (the database
/// cannot take that alert either on a full disk) until a write succeeds again; the citizen's visit
/// goes on.
final class OutboxWriter: Sendable {
    let store: KioskStore
    let kioskID: String
    let metrics: KioskMetrics
    let logger: Logger
    /// The last failure to queue an item, until a write succeeds again.
    private let writeFailure = Mutex<AlertRecord?>(nil)
    /// Each device's last health, to queue an alert only when it changes for the worse or back.
    private let lastHealth = Mutex<[String: DeviceHealth]>([:])

    init(store: KioskStore, kioskID: String, metrics: KioskMetrics, logger: Logger) {
        self.store = store
        self.kioskID = kioskID
        self.metrics = metrics
        self.logger = logger
    }

    /// The failure to queue an item, if the last write failed.
    var currentWriteFailure: AlertRecord? { writeFailure.withLock { $0 } }

    func enqueue<Payload: Encodable & Sendable>(_ type: OutboxItemType, _ payload: Payload) {
        do {
            let item = try store.enqueue(type: type, payload: encode(type, payload))
            logger.debug("queued", metadata: ["type": "\(type.rawValue)", "item": "\(item.id)"])
            writeSucceeded()
        } catch {
            logger.critical("could not queue an item", metadata: ["type": "\(type.rawValue)", "error": "\(error)"])
            metrics.error(kind: "queue-write")
            writeFailure.withLock {
                $0 = AlertRecord(code: "queue-write-failed", detail: "\(error) Items already queued are kept.", raisedAt: .now)
            }
        }
    }

    /// The item's JSON, with this kiosk's id among its fields.
    func encode(_ type: OutboxItemType, _ payload: some Encodable & Sendable) throws(StoreError) -> Data {
        try KioskStore.encodePayload(payload, type: type, kioskID: kioskID)
    }

    /// A write of an item succeeded: the queue takes items again.
    func writeSucceeded() { writeFailure.withLock { $0 = nil } }

    /// An alert for the operator that no device reports (a print that failed, a collection not recorded).
    func alert(code: String, detail: String) {
        enqueue(.deviceAlert, AlertPayload(code: code, detail: detail))
    }

    /// A device that becomes unusable, or recovers from that, is queued as a device alert for the
    /// platform; routine "online" reports are only logged.
    func recordHealth(_ health: DeviceHealth, deviceID: String, role: DeviceRole) {
        let previous = lastHealth.withLock { $0.updateValue(health, forKey: deviceID) }
        metrics.deviceHealth(deviceID: deviceID, role: role.rawValue, state: health.state.rawValue)
        let level: Logger.Level = health.isUsable ? .info : .warning
        logger.log(level: level, "device health", metadata: ["device": "\(deviceID)", "role": "\(role.rawValue)", "health": "\(health)"])
        let becameUnusable = !health.isUsable && previous != health
        let recovered = health.isUsable && previous.map { !$0.isUsable } == true
        guard becameUnusable || recovered else { return }
        enqueue(.deviceAlert, DeviceAlertPayload(deviceId: deviceID, role: role.rawValue,
                                                 state: health.state.rawValue, reason: health.reason?.rawValue,
                                                 action: health.action.rawValue))
    }
}
