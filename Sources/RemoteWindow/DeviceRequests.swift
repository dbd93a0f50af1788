import DeviceKit
import WireFormat

/// A device command an operator sent, for the kiosk to carry out. The kiosk answers with a
/// ``DeviceOutcome`` for the same connection and `requestId`; until then the command is in flight.
public struct DeviceRequest: Sendable, Hashable {
    public enum Command: Sendable, Hashable {
        /// The health of every configured device.
        case status
        /// Reset or reconnect one device by its id in kiosk.yaml.
        case reset(device: String)
        /// A test page on a printer; nil means the receipt printer.
        case testPrint(device: String?)
        /// Ask the citizen to place their document, and read it.
        case verifyIdentity
    }

    public var requestId: Int
    public var command: Command
    public var `operator`: Operator

    public init(requestId: Int, command: Command, operator: Operator) {
        self.requestId = requestId
        self.command = command
        self.operator = `operator`
    }

    /// `Device.Reset receipt-printer`, for the audit log.
    public var summary: String {
        switch command {
        case .status: CommandName.deviceStatus.rawValue
        case .reset(let device): "\(CommandName.deviceReset.rawValue) \(device)"
        case .testPrint(let device): "\(CommandName.deviceTestPrint.rawValue) \(device ?? "receipt printer")"
        case .verifyIdentity: CommandName.identityVerify.rawValue
        }
    }
}

extension DeviceSnapshot {
    /// The device's line in `Device.Status`: its id, role and health.
    var statusJSON: JSONValue {
        var fields: JSONObject = [
            "id": .string(id), "role": .string(role.rawValue), "state": .string(health.state.rawValue),
            "action": .string(health.action.rawValue),
        ]
        if let reason = health.reason { fields["reason"] = .string(reason.rawValue) }
        return .object(fields)
    }
}

/// How the kiosk finished a ``DeviceRequest``.
public enum DeviceOutcome: Sendable, Equatable {
    /// `Device.Status`: every device.
    case status([DeviceSnapshot])
    /// Reset or test print done.
    case done
    /// `Identity.Verify`: the document read. The session masks it unless the citizen consented.
    case identity(Identity)
    /// Failed: use ``RemoteError/deviceNotReady(_:)``, ``RemoteError/hardwareError(_:)``,
    /// ``RemoteError/timeOut``, ``RemoteError/canceled(_:)``, or ``RemoteError/unsupportedData(_:)``
    /// for a device id the kiosk does not have.
    case failed(RemoteError)
}
