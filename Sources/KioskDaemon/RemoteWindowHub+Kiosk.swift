import Application
import DeviceKit
import Foundation
import Logging
import RemoteWindow
import ScreenModel

/// What an operator's input and device commands become at the kiosk: keys for the session, and
/// the same device calls `kioskctl device` makes.
extension RemoteWindowHub {
    static func key(_ key: RemoteKey) -> Key {
        switch key {
        case .character(let text): .text(text)
        case .enter: .enter
        case .escape: .escape
        case .backspace: .backspace
        case .delete: .delete
        case .tab: .tab
        case .arrowUp: .up
        case .arrowDown: .down
        case .arrowLeft: .left
        case .arrowRight: .right
        case .home: .home
        case .end: .end
        case .pageUp: .pageUp
        case .pageDown: .pageDown
        case .function(let number): .function(number)
        }
    }

    /// How long an `Identity.Verify` waits for the citizen to present a document.
    static let identityCheckTimeout = Duration.seconds(90)

    /// Carries out an operator's device command as `kioskctl device-*` does.
    static func carryOut(_ request: DeviceRequest, kiosk: any RemoteWindowKiosk, logger: Logger) async -> DeviceOutcome {
        let devices = kiosk.devices
        switch request.command {
        case .status:
            return .status(await devices.snapshot())
        case .reset(let id):
            guard await devices.device(id: id) != nil else { return .failed(.unsupportedData("no device \(id) at this kiosk")) }
            do throws(DeviceError) {
                try await devices.reset(id: id)
                logger.notice("device reset by a remote operator", metadata: ["device": "\(id)", "operator": "\(request.operator.name)"])
                return .done
            } catch {
                return .failed(.hardwareError("\(id): \(error.code)"))
            }
        case .testPrint(let requested):
            // The printer's self-test, as `kioskctl device-test` runs it.
            let snapshots = await devices.snapshot()
            guard let id = requested ?? snapshots.first(where: { $0.role == .receiptPrinter })?.id,
                  snapshots.contains(where: { $0.id == id && $0.category == .printer }) else {
                return .failed(.unsupportedData("no such printer at this kiosk"))
            }
            do throws(DeviceError) {
                let health = try await devices.selfTest(id: id)
                return health.isUsable ? .done : .failed(.deviceNotReady("\(id): \(health.state.rawValue)"))
            } catch {
                return .failed(.hardwareError("\(id): \(error.code)"))
            }
        case .verifyIdentity:
            // The document of this visit if one was presented; otherwise the citizen is asked on
            // screen to present it, and the next one read answers.
            if let identity = kiosk.presentedIdentity { return .identity(identity) }
            guard await devices.snapshot().contains(where: { $0.category == .identityReader && $0.health.isUsable }) else {
                return .failed(.deviceNotReady("no identity reader is working at this kiosk"))
            }
            kiosk.send(.remote(.identityCheckRequested(operator: request.operator.name)))
            guard let identity = await kiosk.identityCheck.next(timeout: identityCheckTimeout) else {
                return .failed(.timeOut)
            }
            return .identity(identity)
        }
    }
}
