import DeviceKit

/// The data of a read answer (30 01 or 30 10): the lengths, then the text block, the photo and, for
/// 30 10, the fingerprint data.
public struct ReadAnswer: Sendable, Equatable {
    public var text: [UInt8]
    public var photo: [UInt8]
    public var fingerprint: [UInt8]?

    public init(text: [UInt8], photo: [UInt8], fingerprint: [UInt8]? = nil) {
        self.text = text
        self.photo = photo
        self.fingerprint = fingerprint
    }

    /// Splits the data of a successful read answer.
    public init(data: [UInt8], withFingerprint: Bool) throws(DeviceError) {
        let header = withFingerprint ? 6 : 4
        guard data.count >= header else { throw Self.malformed("has no length header") }
        let textCount = Int(data[0]) << 8 | Int(data[1])
        let photoCount = Int(data[2]) << 8 | Int(data[3])
        let fingerprintCount = withFingerprint ? Int(data[4]) << 8 | Int(data[5]) : 0
        guard textCount == TextBlockLayout.size else { throw Self.malformed("announces a text block of \(textCount) bytes") }
        guard photoCount <= TextBlockLayout.photoSize else { throw Self.malformed("announces a photo of \(photoCount) bytes") }
        guard header + textCount + photoCount + fingerprintCount == data.count else {
            throw Self.malformed("has \(data.count) bytes, its lengths say \(header + textCount + photoCount + fingerprintCount)")
        }
        var index = header
        text = Array(data[index..<(index + textCount)])
        index += textCount
        photo = Array(data[index..<(index + photoCount)])
        index += photoCount
        fingerprint = withFingerprint ? Array(data[index..<(index + fingerprintCount)]) : nil
    }

    /// The data as the SAM sends it.
    public var data: [UInt8] {
        var bytes = [UInt8(text.count >> 8), UInt8(text.count & 0xFF), UInt8(photo.count >> 8), UInt8(photo.count & 0xFF)]
        if let fingerprint { bytes += [UInt8(fingerprint.count >> 8), UInt8(fingerprint.count & 0xFF)] }
        return bytes + text + photo + (fingerprint ?? [])
    }

    /// The card this answer holds.
    public func card() throws(DeviceError) -> ResidentIDCard {
        var card = try TextBlockParser.parse(text: text, photo: photo)
        card.fingerprint = fingerprint
        return card
    }

    private static func malformed(_ problem: String) -> DeviceError {
        DeviceError(code: .ga467ReadAnswerMalformed, action: .retry, detail: "the read answer \(problem)")
    }
}
