import CCairo
import Foundation

/// Collects what cairo writes through a `cairo_write_func_t` (PNG and PDF streams) in memory.
final class CairoSink {
    var data = Data()

    /// Runs `body` with a write function and its closure pointer for cairo.
    func withWriter<T>(_ body: (cairo_write_func_t, UnsafeMutableRawPointer) -> T) -> T {
        let closure = Unmanaged.passUnretained(self).toOpaque()
        return withExtendedLifetime(self) {
            body({ closure, bytes, length in
                guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
                let sink = Unmanaged<CairoSink>.fromOpaque(closure).takeUnretainedValue()
                if let bytes, length > 0 { sink.data.append(bytes, count: Int(length)) }
                return CAIRO_STATUS_SUCCESS
            }, closure)
        }
    }
}

/// Feeds bytes to cairo through a `cairo_read_func_t` (reading PNGs back).
final class CairoSource {
    private let data: Data
    private var offset = 0

    init(_ data: Data) { self.data = data }

    func withReader<T>(_ body: (cairo_read_func_t, UnsafeMutableRawPointer) -> T) -> T {
        let closure = Unmanaged.passUnretained(self).toOpaque()
        return withExtendedLifetime(self) {
            body({ closure, buffer, length in
                guard let closure, let buffer else { return CAIRO_STATUS_READ_ERROR }
                let source = Unmanaged<CairoSource>.fromOpaque(closure).takeUnretainedValue()
                let wanted = Int(length)
                // Cairo asks for exact lengths; a short file is an error, not a short read.
                guard source.offset + wanted <= source.data.count else { return CAIRO_STATUS_READ_ERROR }
                source.data.withUnsafeBytes { raw in
                    let start = raw.baseAddress!.advanced(by: source.offset)
                    buffer.update(from: start.assumingMemoryBound(to: UInt8.self), count: wanted)
                }
                source.offset += wanted
                return CAIRO_STATUS_SUCCESS
            }, closure)
        }
    }
}

/// An owned cairo image surface, destroyed with the object.
final class CairoImage {
    let surface: OpaquePointer

    init(surface: OpaquePointer) { self.surface = surface }
    deinit { cairo_surface_destroy(surface) }

    var width: Int { Int(cairo_image_surface_get_width(surface)) }
    var height: Int { Int(cairo_image_surface_get_height(surface)) }
    var status: cairo_status_t { cairo_surface_status(surface) }

    /// An empty surface of the given format, or nil when cairo cannot make one (too large).
    static func make(_ format: cairo_format_t, width: Int, height: Int) -> CairoImage? {
        guard width > 0, height > 0, width <= 32767, height <= 32767 else { return nil }
        guard let surface = cairo_image_surface_create(format, Int32(width), Int32(height)) else { return nil }
        let image = CairoImage(surface: surface)
        return image.status == CAIRO_STATUS_SUCCESS ? image : nil
    }

    /// Reads a PNG with cairo; nil for anything cairo cannot read.
    static func png(_ data: Data) -> CairoImage? {
        let surface = CairoSource(data).withReader { read, closure in
            cairo_image_surface_create_from_png_stream(read, closure)
        }
        guard let surface else { return nil }
        let image = CairoImage(surface: surface)
        return image.status == CAIRO_STATUS_SUCCESS ? image : nil
    }

    /// Lets `body` write the pixels row by row: the row's bytes and the stride.
    func withPixels(_ body: (UnsafeMutablePointer<UInt8>, Int) -> Void) {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return }
        body(data, Int(cairo_image_surface_get_stride(surface)))
        cairo_surface_mark_dirty(surface)
    }

    /// A pixel of an RGB24 or ARGB32 surface as red, green, blue (for tests and checks).
    func rgb(x: Int, y: Int) -> (UInt8, UInt8, UInt8)? {
        guard x >= 0, y >= 0, x < width, y < height,
              [CAIRO_FORMAT_RGB24, CAIRO_FORMAT_ARGB32].contains(cairo_image_surface_get_format(surface)),
              let data = cairo_image_surface_get_data(surface) else { return nil }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let word = data.advanced(by: y * stride + x * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
        return (UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word))
    }
}
