extension DeviceDetails {
    /// One line for a hall operator, e.g. `paper: A4 ready · Black Toner 12 % (low) · Drum: level
    /// unavailable · reasons: toner-low-warning`; `-` when there is nothing to tell.
    /// Names and reasons come from the device (a network printer's `marker-names`), so control
    /// characters are dropped: they cannot reach the operator's terminal as commands.
    public var summary: String {
        var parts: [String] = []
        if let media { parts.append(Self.describe(media)) }
        parts += supplies.map(Self.describe)
        if !stateReasons.isEmpty { parts.append("reasons: " + stateReasons.joined(separator: ", ")) }
        return parts.isEmpty ? "-" : Masking.printable(parts.joined(separator: " · "))
    }

    static func describe(_ media: Media) -> String {
        let names = media.ready.map(mediaName).joined(separator: ", ")
        return "paper: " + (names.isEmpty ? "" : names + " ") + media.state.rawValue
    }

    static func describe(_ supply: Supply) -> String {
        let flag = supply.empty ? " (empty)" : supply.low ? " (low)" : ""
        if let level = supply.level { return "\(supply.name) \(level) %\(flag)" }
        // IPP's -1, -2 and -3 are not amounts: say what they mean rather than print them.
        let note = switch supply.levelNote ?? .unknown {
        case .unavailable: "level unavailable"
        case .unknown: "level unknown"
        case .someRemaining: "level unknown, some left"
        }
        return "\(supply.name): \(note)\(flag)"
    }

    /// A PWG 5101.1 self-describing media name as people say it: `iso_a4_210x297mm` is A4,
    /// `na_letter_8.5x11in` Letter; anything else is shown as given.
    public static func mediaName(_ name: String) -> String {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count >= 3, !parts[1].isEmpty else { return name }
        let size = String(parts[1])
        if size.count <= 3 { return size.uppercased() }
        return size.prefix(1).uppercased() + size.dropFirst()
    }
}
