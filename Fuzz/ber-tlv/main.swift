import Foundation
import FuzzSupport
import SmartCard

/// One input through BER-TLV parsing, the tree walk, and the eMRTD file parsers that sit on it.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let objects = try? BERTLV.parseAll(bytes[...]) {
        for object in objects {
            _ = try? object.parseTree()
            // Whatever parses must encode back to what was read, minimal lengths aside.
            _ = object.encoded
        }
    }
    _ = try? BERTLV.header(bytes[...])
    _ = try? EFCOM(bytes: bytes)
    _ = try? DataGroup1(bytes: bytes)
    _ = try? DataGroup2(bytes: bytes)
    _ = try? SecurityObject(bytes: bytes)
    _ = try? CommandAPDU(bytes: bytes)
    return 0
}

fuzzMain { bytes in
    bytes.withUnsafeBufferPointer { _ = fuzzOne($0.baseAddress, $0.count) }
}
