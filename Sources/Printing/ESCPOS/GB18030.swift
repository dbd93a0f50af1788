import DeviceKit
#if canImport(Glibc)
import Glibc
#endif

/// UTF-8 to GB 18030 (the character set of Chinese thermal printers) through glibc's iconv.
enum GB18030 {
    static func encode(_ text: String) throws(DeviceError) -> [UInt8] {
        guard let converter = iconv_open("GB18030", "UTF-8"), converter != iconv_t(bitPattern: -1) else {
            throw PrinterErrors.renderFailed("iconv has no GB18030 converter")
        }
        defer { iconv_close(converter) }
        var input = Array(text.utf8).map { CChar(bitPattern: $0) }
        // GB 18030 takes at most 4 bytes per character; UTF-8 at least 1.
        var output = [CChar](repeating: 0, count: input.count * 4 + 4)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { throw PrinterErrors.renderFailed("text could not be converted to GB18030") }
        return output.prefix(produced).map { UInt8(bitPattern: $0) }
    }
}
