/// Select Graphic Rendition: the shortest `ESC [ … m` that takes a terminal from one style to another.
///
/// Parameters after [ECMA-48 §8.3.117](https://ecma-international.org/publications-and-standards/standards/ecma-48/):
/// 0 reset, 1 bold, 2 faint, 4 underline, 7 inverse, 22 neither bold nor faint, 24 and 27 their
/// opposites, 30–37/90–97/39 foreground, 40–47/100–107/49 background.
extension Style {
    /// The SGR parameters that turn `old` into `self`, or an empty list when they are equal.
    ///
    /// Either a change list (only what differs) or a reset followed by what `self` sets, whichever
    /// is shorter on the wire.
    func sgrParameters(from old: Style) -> [Int] {
        if self == old { return [] }
        let fromReset = [0] + parametersFromPlain
        var changes: [Int] = []
        if (old.bold && !bold) || (old.dim && !dim) {
            changes.append(22)
            if bold { changes.append(1) }
            if dim { changes.append(2) }
        } else {
            if bold && !old.bold { changes.append(1) }
            if dim && !old.dim { changes.append(2) }
        }
        if underline != old.underline { changes.append(underline ? 4 : 24) }
        if inverse != old.inverse { changes.append(inverse ? 7 : 27) }
        if foreground != old.foreground { changes.append(foreground.foregroundCode) }
        if background != old.background { changes.append(background.backgroundCode) }
        return Self.encodedLength(changes) < Self.encodedLength(fromReset) ? changes : fromReset
    }

    /// What this style sets on top of `SGR 0`.
    private var parametersFromPlain: [Int] {
        var parameters: [Int] = []
        if bold { parameters.append(1) }
        if dim { parameters.append(2) }
        if underline { parameters.append(4) }
        if inverse { parameters.append(7) }
        if foreground != .default { parameters.append(foreground.foregroundCode) }
        if background != .default { parameters.append(background.backgroundCode) }
        return parameters
    }

    private static func encodedLength(_ parameters: [Int]) -> Int {
        parameters.reduce(parameters.count - 1) { $0 + ($1 >= 100 ? 3 : $1 >= 10 ? 2 : 1) }
    }
}
