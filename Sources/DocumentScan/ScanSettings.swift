/// What to ask of the scanner for one scan: the kiosk's choices in SANE-neutral words, matched to
/// each backend's own option values when the scan starts (``SANEOptionSetter``).
public struct ScanSettings: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case color = "Color", gray = "Gray", lineart = "Lineart"
    }

    public enum Source: String, Sendable, Codable, CaseIterable {
        case flatbed = "Flatbed"
        /// The automatic document feeder: pages are scanned until it is empty.
        case feeder = "ADF"
    }

    public var resolutionDPI: Int
    public var mode: Mode
    public var source: Source
    /// The most pages one scan takes from a feeder; a flatbed scan always takes one.
    public var maxPages: Int
    /// Backend-specific options by their SANE name (e.g. `page-height` for a sheet-fed scanner,
    /// or the test backend's `test-picture`), set after the standard ones.
    public var backendOptions: [String: String]

    public static let resolutionRange = 25...1200
    public static let pageLimit = 1...200

    public init(resolutionDPI: Int = 300, mode: Mode = .color, source: Source = .flatbed, maxPages: Int = 50,
                backendOptions: [String: String] = [:]) {
        self.resolutionDPI = resolutionDPI
        self.mode = mode
        self.source = source
        self.maxPages = maxPages
        self.backendOptions = backendOptions
    }

    /// Reads a mode as written in a catalog or kiosk.yaml: `Color`/`Colour`, `Gray`/`Grey`, `Lineart`.
    public static func mode(named text: String) -> Mode? {
        switch text.lowercased() {
        case "color", "colour": .color
        case "gray", "grey": .gray
        case "lineart", "line-art", "black-and-white": .lineart
        default: nil
        }
    }

    /// Reads a source: `Flatbed`, or `ADF`/`Feeder`.
    public static func source(named text: String) -> Source? {
        switch text.lowercased() {
        case "flatbed": .flatbed
        case "adf", "feeder", "automatic document feeder": .feeder
        default: nil
        }
    }
}
