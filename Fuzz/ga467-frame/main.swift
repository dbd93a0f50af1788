import DeviceKit
import Foundation
import FuzzSupport
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

fuzzMain { bytes in
    bytes.withUnsafeBufferPointer { _ = fuzzOne($0.baseAddress, $0.count) }
}
