import DeviceKit
import Foundation
import KioskControl
import Outbox

/// `kioskctl printer test|reprint`: a test page, and a certificate printed again for a citizen
/// whose job failed (the pickup's state is not changed: it is collected when handed over).
extension ControlServer {
    func answerPrinter(_ request: ControlRequest) async -> ControlResponse {
        let devices = runtime.devices
        switch request.command {
        case .printerTest:
            let snapshots = await devices.snapshot()
            let printers = snapshots.filter { $0.category == .printer }
            guard let target = request.device.map({ id in printers.first { $0.id == id } })
                    ?? printers.first(where: { $0.role == .receiptPrinter }) ?? printers.first else {
                let known = printers.map(\.id).joined(separator: ", ")
                return ControlResponse(ok: false, error: "no printer \"\(request.device ?? "")\"; this kiosk's printers: \(known)")
            }
            guard let printer = await devices.printer(for: target.role) else {
                return ControlResponse(ok: false, error: "\(target.id) is not usable: \(target.health)")
            }
            let outcome = await printer.print(runtime.printDesk.testPageJob(at: Date()))
            return Self.printed(outcome, what: "test page on \(target.id)")
        case .printerReprint:
            guard let id = request.id, !id.isEmpty else { return ControlResponse(ok: false, error: "name the pickup to print again") }
            guard let job = runtime.pickups.certificateJob(pickupID: id) else {
                return ControlResponse(ok: false, error: "no certificate document for pickup \(id) in this kiosk's cache")
            }
            guard let printer = await devices.printer(for: .certificatePrinter) else {
                return ControlResponse(ok: false, error: "no usable certificate printer")
            }
            logger.notice("certificate printed again by an operator", metadata: ["pickup": "\(id)"])
            let outcome = await printer.print(job)
            return Self.printed(outcome, what: "certificate for pickup \(id) (hand it over at the desk; the pickup's state is unchanged)")
        default:
            return ControlResponse(ok: false, error: "\(request.command.rawValue) is not a printer command")
        }
    }

    static func printed(_ outcome: PrintOutcome, what: String) -> ControlResponse {
        switch outcome {
        case .completed:
            return ControlResponse(ok: true, message: "printed: \(what)")
        case .failed(let error):
            return ControlResponse(ok: false, error: "not printed: \(what): \(error.detail) (what to do: \(error.action.rawValue))")
        }
    }
}
