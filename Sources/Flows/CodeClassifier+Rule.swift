/// One entry of `Kiosk/codes.yaml`: a kind, a pattern the whole text must match, length checks, and
/// for links, where the code is inside them.
public struct CodeRule: Sendable {
    /// Where a rule's value comes from.
    public enum ValueSource: Sendable, Equatable {
        /// The whole text.
        case whole
        /// A link's query parameter, e.g. `code` in `https://…/r?code=HN-1`.
        case queryParameter(String)
        /// A link's last path segment, e.g. `HN-1` in `https://…/r/HN-1`.
        case lastPathSegment
    }

    public var kind: CodeKind
    public var pattern: CodePattern
    public var length: ClosedRange<Int>
    /// Whether line breaks may be in the text (MRZ lines).
    public var multiline: Bool
    public var valueSource: ValueSource
    /// Checks on the value taken from a link.
    public var valuePattern: CodePattern?
    public var valueLength: ClosedRange<Int>?
    /// Link hosts accepted; empty accepts any.
    public var hosts: [String]
    public var uppercase: Bool

    public init(kind: CodeKind, pattern: CodePattern, length: ClosedRange<Int> = 1...512, multiline: Bool = false,
                valueSource: ValueSource = .whole, valuePattern: CodePattern? = nil, valueLength: ClosedRange<Int>? = nil,
                hosts: [String] = [], uppercase: Bool = false) {
        self.kind = kind
        self.pattern = pattern
        self.length = length
        self.multiline = multiline
        self.valueSource = valueSource
        self.valuePattern = valuePattern
        self.valueLength = valueLength
        self.hosts = hosts
        self.uppercase = uppercase
    }

    /// The value this rule takes from `text`, or nil when the text is not of this kind.
    func value(of text: String) -> String? {
        guard length.contains(text.count), pattern.matches(text) else { return nil }
        var value: Substring
        switch valueSource {
        case .whole:
            value = Substring(text)
        case .queryParameter(let name):
            guard hostAllowed(text), let parameter = Self.query(of: text)[name] else { return nil }
            value = parameter
        case .lastPathSegment:
            guard hostAllowed(text), let segment = Self.path(of: text).split(separator: "/").last else { return nil }
            value = segment
        }
        if let valueLength, !valueLength.contains(value.count) { return nil }
        if let valuePattern, !valuePattern.matches(String(value)) { return nil }
        return uppercase ? value.uppercased() : String(value)
    }

    private func hostAllowed(_ text: String) -> Bool {
        guard !hosts.isEmpty else { return true }
        guard let host = Self.host(of: text) else { return false }
        return hosts.contains { $0.caseInsensitiveCompare(host) == .orderedSame }
    }

    /// `scheme://host[:port]/path?query#fragment`, split by hand: the pattern has already said it
    /// is a link, and nothing here opens it.
    private static func afterScheme(_ text: String) -> Substring? {
        guard let range = text.range(of: "://") else { return nil }
        return text[range.upperBound...].prefix { $0 != "#" }
    }

    static func host(of text: String) -> String? {
        guard let rest = afterScheme(text) else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let withoutUser = authority.split(separator: "@").last ?? authority
        return String(withoutUser.prefix { $0 != ":" })
    }

    static func path(of text: String) -> Substring {
        guard let rest = afterScheme(text) else { return "" }
        let afterAuthority = rest.drop { $0 != "/" && $0 != "?" }
        return afterAuthority.prefix { $0 != "?" }
    }

    static func query(of text: String) -> [String: Substring] {
        guard let rest = afterScheme(text), let mark = rest.firstIndex(of: "?") else { return [:] }
        var items: [String: Substring] = [:]
        for item in rest[rest.index(after: mark)...].split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if items[name] == nil { items[name] = parts.count > 1 ? parts[1] : "" }
        }
        return items
    }
}

/// A regular expression the whole text must match, compiled once when the file is loaded.
public struct CodePattern: @unchecked Sendable {
    // Regex<AnyRegexOutput> is not declared Sendable, but a compiled Regex is immutable and matching
    // it from several threads is safe.
    private let regex: Regex<AnyRegexOutput>
    public let source: String

    public init(_ source: String) throws {
        regex = try Regex(source)
        self.source = source
    }

    public func matches(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
