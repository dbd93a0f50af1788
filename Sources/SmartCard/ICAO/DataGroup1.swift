import DeviceKit

/// DG1: the MRZ as stored in the chip (Doc 9303 Part 10 §4.7.1), `61 { 5F1F mrz }`.
public struct DataGroup1: Sendable, Equatable {
    public var mrz: MachineReadableZone

    public init(bytes: [UInt8]) throws(EMRTDError) {
        let text: [UInt8]
        do {
            let file = try LDSFile.dataGroup(1).object(in: bytes)
            text = try file.child(0x5F1F).value
        } catch {
            throw .malformed(file: "DG1", reason: "\(error)")
        }
        guard text.allSatisfy({ $0 < 0x80 }) else { throw .malformed(file: "DG1", reason: "MRZ not ASCII") }
        do {
            mrz = try MachineReadableZone.parse(String(decoding: text, as: UTF8.self))
        } catch {
            throw .mrz(error)
        }
    }

    /// DG1's bytes for an MRZ given as its characters without line breaks (the emulator's side).
    public static func encode(mrz: String) -> [UInt8] {
        BERTLV(tag: LDSFile.dataGroup(1).tag, children: [BERTLV(tag: 0x5F1F, value: Array(mrz.utf8))]).encoded
    }
}
