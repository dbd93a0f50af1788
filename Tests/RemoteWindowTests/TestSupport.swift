import DeviceKit
import Foundation
@testable import RemoteWindow
import WireFormat

let t0 = Date(timeIntervalSince1970: 1_795_000_000)

let alice = Operator(name: "王芳", role: .assistant)
let olga = Operator(name: "Olga", role: .observer)
let tess = Operator(name: "李工", role: .technician)

let citizenNumber = "460100199001010027"
let citizenName = "测试样"

let citizen = Identity(kind: .residentID, number: citizenNumber, name: citizenName, sex: .female, nation: "汉",
                       birthDate: "1990-01-01", expiry: .longTerm, address: "海南省海口市美兰区测试路1号")

/// The text of a command message, as an operator client writes it.
func command(_ name: String, _ requestId: Int, _ payload: JSONObject? = nil, version: String = "1.0") -> String {
    MessageCodec.encode(Envelope(header: Header(name: name, requestId: requestId, type: .command, version: version),
                                 payload: payload))
}

func command(_ command: OperatorCommand, _ requestId: Int) -> String {
    MessageCodec.encode(command.envelope(requestId: requestId))
}

extension OperatorSession.Action {
    var envelope: Envelope? {
        if case .send(let envelope) = self { return envelope }
        return nil
    }
    var isClose: Bool {
        if case .close = self { return true }
        return false
    }
    var auditRecord: AuditRecord? {
        if case .audit(let record) = self { return record }
        return nil
    }
}

extension RemoteHub.Action {
    var sent: (ConnectionID, Envelope)? {
        if case .send(let id, let envelope) = self { return (id, envelope) }
        return nil
    }
    var auditRecord: AuditRecord? {
        if case .audit(let record) = self { return record }
        return nil
    }
}

extension Array where Element == OperatorSession.Action {
    var envelopes: [Envelope] { compactMap(\.envelope) }
    var audits: [AuditRecord] { compactMap(\.auditRecord) }
    var closes: Bool { contains(where: \.isClose) }
    var forwardedKeys: [RemoteKey] {
        compactMap { if case .forwardInput(let key) = $0 { key } else { nil } }
    }
}

extension Array where Element == RemoteHub.Action {
    func envelopes(to id: ConnectionID) -> [Envelope] { compactMap(\.sent).filter { $0.0 == id }.map(\.1) }
    var audits: [AuditRecord] { compactMap(\.auditRecord) }
    var forwardedKeys: [RemoteKey] {
        compactMap { if case .forwardInput(let key, _) = $0 { key } else { nil } }
    }
    func closes(_ id: ConnectionID) -> Bool {
        contains { if case .close(id, _) = $0 { true } else { false } }
    }
}

extension Envelope {
    var completion: Completion? {
        guard header.type == .completion, let payload else { return nil }
        return try? Completion(payload: payload)
    }
    /// The frame's terminal bytes as text, for looking for personal data in them.
    var frameText: String? {
        guard header.name == FrameMessage.name, let payload, let frame = try? FrameMessage(payload: payload) else { return nil }
        return String(decoding: frame.data, as: UTF8.self)
    }
}
