import DeviceKit
import Foundation

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

#if FUZZING
// libFuzzer's driver, for programs that have their own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main struct FuzzMRZ {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            _ = data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        }
        #endif
    }
}
