import DeviceKit

/// Puts ``ScanSettings`` on an open device. Options are found by their standard SANE names
/// (`source`, `mode`, `depth`, `resolution`) and set to the allowed value that fits; every set may
/// reload the option list (SANE_INFO_RELOAD_OPTIONS), so each lookup reads it afresh, and a value
/// the backend rounded (SANE_INFO_INEXACT) is read back.
struct SANEOptionSetter {
    let device: SANEDeviceHandle

    /// What the device was actually set to.
    struct Applied: Sendable, Equatable {
        var resolutionDPI: Int
        var modeValue: String?
        var sourceValue: String?
    }

    func apply(_ settings: ScanSettings) throws(DeviceError) -> Applied {
        // Source first: some backends offer other resolutions for the feeder.
        let source = try setSource(settings.source)
        let mode = try setMode(settings.mode)
        let resolution = try setResolution(settings.resolutionDPI)
        for (name, value) in settings.backendOptions.sorted(by: { $0.key < $1.key }) {
            try setBackendOption(name, to: value)
        }
        return Applied(resolutionDPI: resolution, modeValue: mode, sourceValue: source)
    }

    private func setSource(_ source: ScanSettings.Source) throws(DeviceError) -> String? {
        guard let option = try device.option(named: "source"), option.isActive, option.isSettable else {
            // A device without a source option has only the one it has: a flatbed, as a rule.
            guard source == .flatbed else {
                throw DeviceError(code: .unsupported, action: .configuration,
                                  detail: "\(device.name) has no document feeder (no source option)")
            }
            return nil
        }
        guard let value = Self.sourceValue(source, among: option.allowedStrings) else {
            throw DeviceError(code: .unsupported, action: .configuration,
                              detail: "\(device.name) offers no \(source.rawValue) source (it has \(option.allowedStrings.joined(separator: ", ")))")
        }
        try device.set(option, string: value)
        return value
    }

    private func setMode(_ mode: ScanSettings.Mode) throws(DeviceError) -> String? {
        guard let option = try device.option(named: "mode"), option.isActive, option.isSettable else {
            return nil
        }
        let allowed = option.allowedStrings
        // Lineart on a backend without such a mode (SANE's test backend, some others) is grey at
        // one bit per sample, as the SANE standard describes it.
        let wantsDepth: Int32 = mode == .lineart ? 1 : 8
        let value = Self.modeValue(mode, among: allowed) ?? (mode == .lineart ? Self.modeValue(.gray, among: allowed) : nil)
        guard let value else {
            throw DeviceError(code: .unsupported, action: .configuration,
                              detail: "\(device.name) offers no \(mode.rawValue) mode (it has \(allowed.joined(separator: ", ")))")
        }
        try device.set(option, string: value)
        if let depth = try device.option(named: "depth"), depth.isActive, depth.isSettable {
            let words = depth.allowedWords
            if words.isEmpty || words.contains(wantsDepth) {
                try device.set(depth, word: wantsDepth)
            } else if mode == .lineart, Self.modeValue(.lineart, among: allowed) == nil {
                throw DeviceError(code: .unsupported, action: .configuration,
                                  detail: "\(device.name) offers neither a lineart mode nor 1-bit depth")
            }
        }
        return value
    }

    private func setResolution(_ dpi: Int) throws(DeviceError) -> Int {
        guard let option = try device.option(named: "resolution"), option.isActive else {
            throw DeviceError(code: .unsupported, action: .configuration,
                              detail: "\(device.name) has no resolution option")
        }
        if option.isSettable {
            let word = option.nearestWord(to: option.word(for: Double(dpi)))
            let info = try device.set(option, word: word)
            if !info.contains(.inexact) { return Int(option.value(of: word).rounded()) }
        }
        // Rounded by the backend (or fixed): what it has is what the page will be.
        let current = try device.option(named: "resolution") ?? option
        return Int(current.value(of: try device.word(of: current)).rounded())
    }

    /// Sets a backend-specific option from its text form, typed by its descriptor.
    private func setBackendOption(_ name: String, to text: String) throws(DeviceError) {
        guard let option = try device.option(named: name) else {
            throw DeviceError(code: .unsupported, action: .configuration, detail: "\(device.name) has no option \(name)")
        }
        switch option.type {
        case .string:
            let allowed = option.allowedStrings
            guard allowed.isEmpty || allowed.contains(text) else {
                throw DeviceError(code: .badOptionValue, action: .configuration,
                                  detail: "\(device.name): option \(name) takes one of \(allowed.joined(separator: ", "))")
            }
            try device.set(option, string: text)
        case .bool:
            guard let flag = ["yes": true, "true": true, "no": false, "false": false][text.lowercased()] else {
                throw DeviceError(code: .badOptionValue, action: .configuration,
                                  detail: "\(device.name): option \(name) takes yes or no")
            }
            try device.set(option, word: flag ? 1 : 0)
        case .int, .fixed:
            guard let number = Double(text), number.isFinite, abs(number) < 1e9 else {
                throw DeviceError(code: .badOptionValue, action: .configuration,
                                  detail: "\(device.name): option \(name) takes a number")
            }
            try device.set(option, word: option.nearestWord(to: option.word(for: number)))
        case .button, .group:
            throw DeviceError(code: .unsupported, action: .configuration,
                              detail: "\(device.name): option \(name) takes no value")
        }
    }

    /// The backend's word for a source: its exact name, or the first of its feeder entries
    /// (simplex before duplex).
    static func sourceValue(_ source: ScanSettings.Source, among allowed: [String]) -> String? {
        switch source {
        case .flatbed:
            return allowed.first { $0.lowercased().contains("flatbed") }
        case .feeder:
            let feeders = allowed.filter {
                let word = $0.lowercased()
                return word.contains("adf") || word.contains("feeder")
            }
            return feeders.first { !$0.lowercased().contains("duplex") && !$0.lowercased().contains("back") } ?? feeders.first
        }
    }

    /// The backend's word for a mode: backends say `Color`, `Colour` or `24bit Color`, `Gray` or
    /// `True Gray`, `Lineart` or `Binary`/`Black & White`.
    static func modeValue(_ mode: ScanSettings.Mode, among allowed: [String]) -> String? {
        let words: [String] = switch mode {
        case .color: ["color", "colour"]
        case .gray: ["gray", "grey"]
        case .lineart: ["lineart", "line art", "binary", "black & white", "black and white", "monochrome"]
        }
        if let exact = allowed.first(where: { $0.lowercased() == words[0] }) { return exact }
        return allowed.first { value in words.contains { value.lowercased().contains($0) } }
    }
}
