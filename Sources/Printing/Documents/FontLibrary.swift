import CCairo
import DeviceKit
import Synchronization

/// The receipt's font: Noto Sans CJK SC found through fontconfig and used as a cairo FreeType font
/// face, so Chinese is drawn with real glyphs and embedded in the PDF with a ToUnicode map
/// (`pdftotext` reads it back). Looked up once per process.
///
/// One face only: cairo subsets every embedded face's CFF table, which for a CJK font costs about
/// 8 ms per face and document; the title's weight is drawn by the renderer instead.
final class FontLibrary: @unchecked Sendable {
    // cairo font faces are reference counted with atomics and immutable once made; sharing them
    // across threads is what cairo intends.
    let regular: OpaquePointer
    /// The family fontconfig chose, for messages.
    let family: String

    private init(regular: OpaquePointer, family: String) {
        self.regular = regular
        self.family = family
    }

    private static let loaded = Mutex<Result<FontLibrary, DeviceError>?>(nil)

    static func shared() throws(DeviceError) -> FontLibrary {
        try loaded.withLock { slot in
            if let slot { return slot }
            let result = Result { () throws(DeviceError) in try load() }
            slot = result
            return result
        }.get()
    }

    private static func load() throws(DeviceError) -> FontLibrary {
        let (regular, family) = try face("Noto Sans CJK SC:lang=zh-cn")
        return FontLibrary(regular: regular, family: family)
    }

    /// Resolves a fontconfig pattern and refuses a substitute without CJK glyphs.
    private static func face(_ name: String) throws(DeviceError) -> (OpaquePointer, String) {
        guard let pattern = FcNameParse(name) else { throw missing(name) }
        defer { FcPatternDestroy(pattern) }
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else { throw missing(name) }
        defer { FcPatternDestroy(match) }
        var value: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(match, "family", 0, &value) == FcResultMatch, let value else { throw missing(name) }
        let family = String(cString: value)
        // "中" must be in the font's character set, or fontconfig fell back to a Latin font.
        var charset: OpaquePointer?
        guard FcPatternGetCharSet(match, "charset", 0, &charset) == FcResultMatch, let charset,
              FcCharSetHasChar(charset, 0x4E2D) != 0 else {
            throw DeviceError(code: .fontMissing, action: .configuration,
                              detail: "fontconfig offers \(family) for \(name), which has no Chinese glyphs; install fonts-noto-cjk")
        }
        guard let face = cairo_ft_font_face_create_for_pattern(match) else { throw missing(name) }
        return (face, family)
    }

    private static func missing(_ name: String) -> DeviceError {
        DeviceError(code: .fontMissing, action: .configuration, detail: "fontconfig finds no font for \(name); install fonts-noto-cjk")
    }
}
