import Foundation
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

#if FUZZING
// libFuzzer's driver, for programs that have their own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main struct FuzzBERTLV {
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
