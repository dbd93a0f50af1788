import Foundation
import KioskControl
import Outbox
import OutboxStatus

/// The `queue-*` control commands: what hall operators use to watch and steer the upload backlog.
extension ControlServer {
    func answerQueue(_ request: ControlRequest) -> ControlResponse {
        let store = runtime.store
        do throws(StoreError) {
            switch request.command {
            case .queue:
                return ControlResponse(ok: true, queue: runtime.queueSummary())
            case .queueList, .queueExport:
                var state: OutboxItemState?
                if let name = request.state {
                    guard let known = OutboxItemState(rawValue: name) else {
                        return ControlResponse(ok: false, error: "unknown state \"\(name)\"; use pending, in-flight, delivered, retry or dead")
                    }
                    state = known
                }
                let export = request.command == .queueExport
                let items = try store.itemDetails(state: state, limit: request.count ?? (export ? 1_000_000 : 100), withPayload: export)
                if export {
                    logger.notice("queue exported by an operator", metadata: ["state": "\(request.state ?? "all")", "items": "\(items.count)"])
                }
                return ControlResponse(ok: true, items: items)
            case .queueRetry:
                guard request.id != nil || request.all == true else {
                    return ControlResponse(ok: false, error: "name a dead item's id, or use --all-dead")
                }
                let revived = try store.retryDead(id: request.all == true ? nil : request.id)
                if revived == 0, let id = request.id, request.all != true {
                    return ControlResponse(ok: false, error: "no dead item \(id); `kioskctl queue list --state dead` lists them")
                }
                store.notifyQueuedForOperator()
                logger.notice("dead items sent again by an operator", metadata: ["items": "\(revived)"])
                return ControlResponse(ok: true, message: "\(revived) item(s) will be sent again", queue: runtime.queueSummary(), count: revived)
            case .queueFlush:
                let due = try store.makeRetriesDue()
                platformSync?()
                return ControlResponse(ok: true, message: "\(due) waiting item(s) are due now", queue: runtime.queueSummary(), count: due)
            default:
                return ControlResponse(ok: false, error: "\(request.command.rawValue) is not a queue command")
            }
        } catch {
            return ControlResponse(ok: false, error: error.description)
        }
    }

    /// `sim enqueue`: queues `count` test items, each in its own durable transaction, as a flow
    /// would. Demo only; for the chaos test and the benchmarks.
    func simulateEnqueue(count: Int) -> ControlResponse {
        var queued = 0
        for _ in 0..<max(0, min(count, 10_000)) {
            do {
                try runtime.store.enqueue(type: .deviceEvent, payload: KioskStore.encodePayload(
                    SimulatedEvent(), type: .deviceEvent, kioskID: runtime.settings.kioskID))
                queued += 1
            } catch {
                return ControlResponse(ok: false, error: "queued \(queued), then: \(error)", count: queued)
            }
        }
        return ControlResponse(ok: true, message: "queued \(queued) item(s)", count: queued)
    }
}

private struct SimulatedEvent: Codable, Sendable {
    var event = "simulated"
}
