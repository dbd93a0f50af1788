import Foundation
import USBScanner

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

#if FUZZING
// libFuzzer's driver, for programs that have their own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main struct FuzzHIDReport {
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
