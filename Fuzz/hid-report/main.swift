import CodeScanners
import Foundation
import FuzzSupport

/// One input through both report decoders: cut into 8-byte keyboard reports and 64-byte HID POS
/// reports (the last piece short), as a scanner would send them one after another.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var keyboard = KeyboardWedgeDecoder(maximumLength: 64)
    for start in stride(from: 0, to: bytes.count, by: 8) {
        if let codes = try? keyboard.feed(bytes[start..<min(start + 8, bytes.count)]) {
            for code in codes where code.isEmpty || code.count > 64 { fatalError("keyboard code of \(code.count) bytes") }
        }
    }
    var pos = HIDPOSDecoder(maximumLength: 128)
    for start in stride(from: 0, to: bytes.count, by: 64) {
        if let code = try? pos.feed(bytes[start..<min(start + 64, bytes.count)]), code.data.isEmpty || code.data.count > 128 {
            fatalError("HID POS code of \(code.data.count) bytes")
        }
    }
    return 0
}

fuzzMain { bytes in
    bytes.withUnsafeBufferPointer { _ = fuzzOne($0.baseAddress, $0.count) }
}
