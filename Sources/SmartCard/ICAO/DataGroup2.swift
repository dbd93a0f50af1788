import DeviceKit

/// DG2: the encoded face (Doc 9303 Part 10 §4.7.2). The first biometric template's data block is
/// an ISO/IEC 19794-5 facial record; this reads its image and the image's format.
public struct DataGroup2: Sendable, Equatable {
    public var format: Identity.Photo.Format
    public var image: [UInt8]
    public var width: Int
    public var height: Int

    public init(format: Identity.Photo.Format, image: [UInt8], width: Int, height: Int) {
        self.format = format
        self.image = image
        self.width = width
        self.height = height
    }

    public init(bytes: [UInt8]) throws(EMRTDError) {
        let block: [UInt8]
        do {
            let file = try LDSFile.dataGroup(2).object(in: bytes)
            let group = try file.child(0x7F61)
            let template = try group.child(0x7F60)
            // Data block: 5F2E, or 7F2E when the template is enciphered-capable (same content).
            let children = try template.children()
            guard let data = children.first(where: { $0.tag == 0x5F2E || $0.tag == 0x7F2E }) else {
                throw BERTLVError.missingTag(0x5F2E)
            }
            block = data.value
        } catch {
            throw .malformed(file: "DG2", reason: "\(error)")
        }
        self = try Self.facialRecord(block)
    }

    /// ISO/IEC 19794-5:2005 §5.4–5.8: a 14-byte header `FAC\0` `010\0` length count, then per
    /// record: 20 bytes of facial information, 8 bytes per feature point, 12 bytes of image
    /// information (its second byte: 0 JPEG, 1 JPEG 2000), then the image.
    static func facialRecord(_ block: [UInt8]) throws(EMRTDError) -> DataGroup2 {
        func fail(_ reason: String) -> EMRTDError { .malformed(file: "DG2", reason: reason) }
        guard block.count >= 14 + 20 + 12 else { throw fail("facial record too short") }
        guard Array(block[0..<4]) == [0x46, 0x41, 0x43, 0x00] else { throw fail("not a facial record (FAC)") }
        let recordStart = 14
        let recordLength = block[recordStart..<recordStart + 4].reduce(0) { $0 << 8 | Int($1) }
        let featurePoints = Int(block[recordStart + 4]) << 8 | Int(block[recordStart + 5])
        let imageInfo = recordStart + 20 + featurePoints * 8
        let imageStart = imageInfo + 12
        guard imageStart < block.count, recordLength >= imageStart - recordStart,
              recordStart + recordLength <= block.count else { throw fail("facial record lengths") }
        let dataType = block[imageInfo + 1]
        let width = Int(block[imageInfo + 2]) << 8 | Int(block[imageInfo + 3])
        let height = Int(block[imageInfo + 4]) << 8 | Int(block[imageInfo + 5])
        let image = Array(block[imageStart..<recordStart + recordLength])
        let format: Identity.Photo.Format
        switch dataType {
        case 0:
            guard image.starts(with: [0xFF, 0xD8, 0xFF]) else { throw fail("JPEG without its SOI marker") }
            format = .jpeg
        case 1:
            // A JP2 file starts with its signature box, a raw codestream with SOC SIZ.
            guard image.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || image.starts(with: [0xFF, 0x4F, 0xFF, 0x51])
            else { throw fail("JPEG 2000 without its signature") }
            format = .jpeg2000
        default:
            throw fail("image data type \(dataType)")
        }
        return DataGroup2(format: format, image: image, width: width, height: height)
    }

    /// DG2's bytes for one face image (the emulator's side): a biometric information template
    /// group with one template, a minimal header, and an ISO/IEC 19794-5 record.
    public static func encode(image: [UInt8], format: Identity.Photo.Format, width: Int, height: Int) -> [UInt8] {
        func be(_ value: Int, _ count: Int) -> [UInt8] { (0..<count).reversed().map { UInt8((value >> ($0 * 8)) & 0xFF) } }
        let imageInformation: [UInt8] = [0x01, format == .jpeg2000 ? 0x01 : 0x00] + be(width, 2) + be(height, 2)
            + [0x01, 0x02] + be(0, 2) + be(0, 2)
        let facialInformation: [UInt8] = be(20 + 12 + image.count, 4) + be(0, 2) + [0, 0, 0] + [0, 0, 0] + be(0, 2)
            + [0, 0, 0] + [0, 0, 0]
        let record = facialInformation + imageInformation + image
        let header: [UInt8] = [0x46, 0x41, 0x43, 0x00, 0x30, 0x31, 0x30, 0x00] + be(14 + record.count, 4) + be(1, 2)
        let biometricHeader = BERTLV(tag: 0xA1, children: [
            BERTLV(tag: 0x80, value: [0x01, 0x01]),
            BERTLV(tag: 0x81, value: [0x02]),
            BERTLV(tag: 0x87, value: [0x01, 0x01]),
            BERTLV(tag: 0x88, value: [0x00, 0x08]),
        ])
        let template = BERTLV(tag: 0x7F60, children: [biometricHeader, BERTLV(tag: 0x5F2E, value: header + record)])
        return BERTLV(tag: LDSFile.dataGroup(2).tag, children: [
            BERTLV(tag: 0x7F61, children: [BERTLV(tag: 0x02, value: [0x01]), template]),
        ]).encoded
    }
}
