/// How a scanner reports codes over USB HID: the catalog quirk `report-mode`.
public enum HIDReportMode: String, Sendable, CaseIterable {
    /// Boot-keyboard reports, as if the code were typed (`report-mode: keyboard`).
    case keyboard
    /// HID POS scanned-data reports, usage page 0x8C (`report-mode: hid-pos`).
    case hidPOS = "hid-pos"
}

/// Either decoder behind one face, so the driver feeds reports without caring which kind.
public struct ScanReportDecoder: Sendable {
    private enum Kind: Sendable {
        case keyboard(KeyboardWedgeDecoder)
        case hidPOS(HIDPOSDecoder)
    }

    public let mode: HIDReportMode
    private var kind: Kind

    public init(mode: HIDReportMode, maximumLength: Int = 512) {
        self.mode = mode
        switch mode {
        case .keyboard: kind = .keyboard(KeyboardWedgeDecoder(maximumLength: maximumLength))
        case .hidPOS: kind = .hidPOS(HIDPOSDecoder(maximumLength: maximumLength))
        }
    }

    public var hasPartialCode: Bool {
        switch kind {
        case .keyboard(let decoder): decoder.hasPartialCode
        case .hidPOS(let decoder): decoder.hasPartialCode
        }
    }

    /// Feeds one report; returns the data of every code it completed.
    public mutating func feed(_ report: some Collection<UInt8>) throws(HIDReportError) -> [[UInt8]] {
        switch kind {
        case .keyboard(var decoder):
            defer { kind = .keyboard(decoder) }
            return try decoder.feed(report)
        case .hidPOS(var decoder):
            defer { kind = .hidPOS(decoder) }
            return try decoder.feed(report).map { [$0.data] } ?? []
        }
    }

    public mutating func reset() {
        switch kind {
        case .keyboard(var decoder):
            decoder.reset()
            kind = .keyboard(decoder)
        case .hidPOS(var decoder):
            decoder.reset()
            kind = .hidPOS(decoder)
        }
    }
}
