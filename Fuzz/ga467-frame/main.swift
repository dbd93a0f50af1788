import DeviceKit
import Foundation
import ResidentID

/// One input through the GA 467 frame decoder and, for every frame it yields, the answer, read-answer
/// and text-block parsers. The input is fed in pieces whose sizes come from its first byte, so the
/// decoder's handling of split frames is exercised too.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var decoder = GA467FrameDecoder()
    let step = max(1, Int(bytes.first ?? 1))
    var index = 0
    while index < bytes.count {
        decoder.feed(bytes[index..<min(bytes.count, index + step)])
        index += step
        while true {
            switch decoder.next() {
            case .needMoreData: break
            case .error(let error): _ = error.deviceError
            case .frame(let frame):
                if let response = try? GA467Response(frame: frame) {
                    _ = response.status?.error
                    for withFingerprint in [false, true] {
                        if let answer = try? ReadAnswer(data: response.data, withFingerprint: withFingerprint) {
                            _ = try? answer.card()
                        }
                    }
                }
                continue
            }
            break
        }
    }
    // Any 256 bytes are a possible text block.
    if bytes.count >= TextBlockLayout.size {
        if let card = try? TextBlockParser.parse(text: Array(bytes.suffix(TextBlockLayout.size)), photo: nil) {
            _ = IdentityReport(card.identity, checks: card.checks).json()
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

@main struct FuzzGA467Frame {
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
