import CCUPS
import DeviceKit

/// What a destination can do, from cupsCopyDestInfo: the media it takes, colour and duplex.
public struct PrinterCapabilities: Sendable, Equatable {
    /// PWG media names, e.g. `iso_a4_210x297mm`.
    public var media: [String]
    public var defaultMedia: String?
    public var color: Bool
    public var duplex: Bool
    /// MIME types the queue accepts.
    public var formats: [String]
}

extension CUPSSession {
    /// Asks afresh each time (an operator may have changed the queue); rarely called.
    func capabilities() throws(DeviceError) -> PrinterCapabilities {
        forgetDestination()
        let http = try connection()
        let (dest, info) = try destination()
        func supported(_ option: String) -> [String] {
            guard let attribute = cupsFindDestSupported(http, dest, info, option) else { return [] }
            return (0..<ippGetCount(attribute)).compactMap { ippGetString(attribute, $0, nil).map { String(cString: $0) } }
        }
        func preset(_ option: String) -> String? {
            guard let attribute = cupsFindDestDefault(http, dest, info, option) else { return nil }
            return ippGetString(attribute, 0, nil).map { String(cString: $0) }
        }
        // Media through the media API, which also knows sizes from the queue's PPD.
        var media: [String] = []
        var size = cups_size_t()
        for index in 0..<cupsGetDestMediaCount(http, dest, info, 0) where cupsGetDestMediaByIndex(http, dest, info, index, 0, &size) != 0 {
            media.append(withUnsafeBytes(of: size.media) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) })
        }
        var defaultMedia: String?
        if cupsGetDestMediaDefault(http, dest, info, 0, &size) != 0 {
            defaultMedia = withUnsafeBytes(of: size.media) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        }
        return PrinterCapabilities(
            media: media,
            defaultMedia: defaultMedia ?? preset("media"),
            color: supported("print-color-mode").contains("color"),
            duplex: supported("sides").contains { $0.hasPrefix("two-sided") },
            formats: supported("document-format"))
    }
}
