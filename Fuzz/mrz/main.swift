import DeviceKit
import Foundation
import FuzzSupport

/// One input through the MRZ parser and the access-key parser, as text.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let mrz = try? MachineReadableZone.parse(text) {
        _ = mrz.accessKey.mrzInformation
        _ = mrz.birthDate.isoDate(fullYear: mrz.birthDate.birthYear())
        _ = mrz.expiryDate.isoDate(fullYear: mrz.expiryDate.expiryYear())
    }
    if let key = try? DocumentAccessKey(parsing: text) { _ = key.mrzInformation }
    return 0
}

fuzzMain { bytes in
    bytes.withUnsafeBufferPointer { _ = fuzzOne($0.baseAddress, $0.count) }
}
