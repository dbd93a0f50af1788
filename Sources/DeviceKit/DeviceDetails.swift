/// What an operator needs to see of a device beyond its health: every condition the device reports
/// (health keeps only the most urgent), the media it has loaded and its supplies. Shown by
/// `kioskctl devices`; nothing in it is personal data.
///
/// The JSON keys are stable: `stateReasons`, `media` (`ready`, `state`), `supplies` (each `name`,
/// `type`, `level`, `levelNote`, `low`, `empty`).
public struct DeviceDetails: Sendable, Codable, Equatable {
    /// The media a printer has loaded.
    public struct Media: Sendable, Codable, Equatable {
        public enum State: String, Sendable, Codable {
            case ready
            case low
            case empty
        }

        /// What is loaded, as PWG media names (`iso_a4_210x297mm`, `oe_80mm-roll_80x297mm`, …).
        public var ready: [String]
        public var state: State

        public init(ready: [String], state: State) {
            self.ready = ready
            self.state = state
        }
    }

    /// One supply: toner, ink, a drum, a waste container.
    public struct Supply: Sendable, Codable, Equatable {
        /// Why there is no percentage.
        public enum LevelNote: String, Sendable, Codable {
            /// The device does not report this level.
            case unavailable
            /// The device cannot tell.
            case unknown
            /// The device cannot tell the level but knows some is left.
            case someRemaining = "some-remaining"
        }

        /// As the device names it, e.g. `Black Toner`.
        public var name: String
        /// The kind of supply, e.g. `toner`, `ink`, `opc`, `waste-toner`; nil when not reported.
        public var type: String?
        /// Percent, 0 to 100; nil when the level is not known (then ``levelNote`` says why).
        public var level: Int?
        public var levelNote: LevelNote?
        /// At or below the device's low mark: order a replacement.
        public var low: Bool
        /// Used up: replace it.
        public var empty: Bool

        public init(name: String, type: String? = nil, level: Int?, levelNote: LevelNote? = nil, low: Bool = false, empty: Bool = false) {
            self.name = name
            self.type = type
            self.level = level.map { min(100, max(0, $0)) }
            self.levelNote = level == nil ? (levelNote ?? .unknown) : nil
            self.low = low || empty
            self.empty = empty
        }
    }

    /// Every condition the device reports, as it words them (for a printer, IPP
    /// `printer-state-reasons` such as `media-low-warning`); empty when all is well.
    public var stateReasons: [String]
    /// Nil for a device without media.
    public var media: Media?
    public var supplies: [Supply]

    public init(stateReasons: [String] = [], media: Media? = nil, supplies: [Supply] = []) {
        self.stateReasons = stateReasons
        self.media = media
        self.supplies = supplies
    }
}
