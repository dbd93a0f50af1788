/// A word from a set that stays open: the values the code knows are named as static constants, and
/// a value from outside (a newer platform, a printer's own keyword, another module's family) is kept
/// and written back as it came. It is its raw value on the wire, in files and in logs (the standard
/// library's Codable for raw values writes it so).
public protocol OpenWord: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible where RawValue == String {
    init(rawValue: String)
}

extension OpenWord {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }

    public var description: String { rawValue }
}
