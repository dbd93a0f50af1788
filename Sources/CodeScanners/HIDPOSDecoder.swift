/// Turns HID POS scanned-data reports (usage page 0x8C, Bar Code Scanner; "HID Point of Sale
/// Usage Tables" 1.02) into codes.
///
/// The input report as Honeywell, Zebra and Datalogic scanners send it in HID POS mode:
///
/// | byte | meaning |
/// |---|---|
/// | 0 | report id 0x02 (Scanned Data Report) |
/// | 1 | how many data bytes of this report are valid, 0…56 |
/// | 2…4 | symbology identifier (AIM, e.g. `]Q1` for QR Code), zero when not sent |
/// | 5…60 | decoded data |
/// | 61…62 | vendor bytes (ignored) |
/// | 63 | flags: bit 0 "decode data continued": more reports of this code follow |
///
/// A code longer than 56 bytes spans several reports, each but the last with the continued flag.
/// Reports with another report id (attribute or status reports) are refused without touching a
/// code in progress.
public struct HIDPOSDecoder: Sendable {
    /// One complete code with the symbology the scanner named.
    public struct Code: Sendable, Equatable {
        /// The AIM symbology identifier's three bytes, e.g. `]Q1`; empty when the scanner sent none.
        public var symbology: [UInt8]
        public var data: [UInt8]
    }

    public static let scannedDataReportID: UInt8 = 0x02
    public static let reportLength = 64
    public static let dataOffset = 5
    public static let dataCapacity = 56
    public static let flagsOffset = 63
    public static let continuedFlag: UInt8 = 0x01

    public let maximumLength: Int
    private var pending: [UInt8] = []
    private var symbology: [UInt8]?
    private var overflowed = false

    public init(maximumLength: Int = 512) {
        self.maximumLength = max(1, maximumLength)
    }

    public var hasPartialCode: Bool { symbology != nil || overflowed }

    /// Drops a partial code, e.g. when the scanner is unplugged mid-scan.
    public mutating func reset() {
        pending.removeAll(keepingCapacity: true)
        symbology = nil
        overflowed = false
    }

    /// Feeds one report; returns the code it completed, if any.
    public mutating func feed(_ report: some Collection<UInt8>) throws(HIDReportError) -> Code? {
        let bytes = Array(report.prefix(Self.reportLength))
        guard let reportID = bytes.first else { throw .reportTooShort(needed: Self.reportLength, got: 0) }
        guard reportID == Self.scannedDataReportID else { throw .unexpectedReportID(reportID) }
        guard bytes.count == Self.reportLength else {
            throw .reportTooShort(needed: Self.reportLength, got: bytes.count)
        }
        let length = Int(bytes[1])
        guard length <= Self.dataCapacity else {
            // The report cannot be trusted, and neither can the code it belonged to.
            reset()
            throw .lengthOutOfRange(claimed: length, maximum: Self.dataCapacity)
        }
        let identifier = bytes[2..<Self.dataOffset].allSatisfy { $0 == 0 } ? [] : Array(bytes[2..<Self.dataOffset])
        let continued = bytes[Self.flagsOffset] & Self.continuedFlag != 0
        let data = bytes[Self.dataOffset..<(Self.dataOffset + length)]

        if let symbology, symbology != identifier, !overflowed {
            reset()
            throw .symbologyChanged
        }
        symbology = identifier
        if !overflowed {
            if pending.count + data.count > maximumLength {
                overflowed = true
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(contentsOf: data)
            }
        }
        guard !continued else { return nil }

        defer { reset() }
        if overflowed { throw .codeTooLong(maximum: maximumLength) }
        guard !pending.isEmpty else { return nil }
        return Code(symbology: identifier, data: pending)
    }
}
