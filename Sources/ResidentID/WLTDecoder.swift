#if canImport(Glibc)
import Glibc
#endif
import DeviceKit
import Synchronization

/// The card's photo is a 1024-byte WLT file, a format only the card system's licensed decoder reads.
/// Kiosk ships no decoder: a site that has one from its reader's vendor names the shared library in
/// `connection.wlt-decoder`, and it is loaded here with `dlopen` at run time. Without one the photo
/// stays WLT (``Identity/Photo/Format/wlt``), which is all a flow needs to know that a photo was read.
///
/// The vendors' Linux libraries export `int unpack(const char *wlt, char *bmp, int flag)`, which writes
/// a 102×126 24-bit BMP (38 862 bytes) and returns 1 on success. The symbol name is configurable for
/// libraries that call it something else.
public final class WLTDecoder: Sendable {
    public typealias Unpack = @convention(c) (UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32

    /// A 102×126 BMP at 24 bits, rows padded to 4 bytes, and its 54-byte header.
    public static let bmpSize = 54 + 308 * 126

    public let path: String
    private nonisolated(unsafe) let handle: UnsafeMutableRawPointer
    private let unpack: Unpack
    /// Vendor decoders are not known to be thread-safe: one call at a time.
    private let lock = Mutex(())

    public init(path: String, symbol: String = "unpack") throws(DeviceError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw DeviceError(code: .wltDecoderUnavailable, action: .configuration,
                              detail: "cannot load the WLT decoder \(path): \(reason)")
        }
        guard let address = dlsym(handle, symbol) else {
            dlclose(handle)
            throw DeviceError(code: .wltDecoderUnavailable, action: .configuration,
                              detail: "the WLT decoder \(path) has no function \(symbol)")
        }
        self.path = path
        self.handle = handle
        unpack = unsafeBitCast(address, to: Unpack.self)
    }

    deinit { dlclose(handle) }

    /// The photo as a BMP. Throws `wlt-decode-failed` when the library refuses it.
    public func decode(_ wlt: [UInt8]) throws(DeviceError) -> [UInt8] {
        guard wlt.count == TextBlockLayout.photoSize else {
            throw DeviceError(code: .wltDecodeFailed, action: .retry, detail: "a WLT photo has 1024 bytes, not \(wlt.count)")
        }
        var bmp = [UInt8](repeating: 0, count: Self.bmpSize + 1024)  // room for a decoder that writes more
        let result = lock.withLock { _ in
            wlt.withUnsafeBufferPointer { source in
                bmp.withUnsafeMutableBufferPointer { target in unpack(source.baseAddress, target.baseAddress, 1) }
            }
        }
        guard result == 1, bmp[0] == 0x42, bmp[1] == 0x4D else {
            throw DeviceError(code: .wltDecodeFailed, action: .retry, detail: "the WLT decoder returned \(result)")
        }
        return Array(bmp.prefix(Self.bmpSize))
    }
}
