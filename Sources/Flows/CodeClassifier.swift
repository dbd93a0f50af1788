/// What a scanned or typed code is, decided by the rules in `Kiosk/codes.yaml` (what a code means
/// is data, issue 5). Outside bytes are checked before any rule sees them: too long, invalid UTF-8,
/// control or format characters (escape sequences, NUL, bidirectional overrides) are refused, so a
/// refused code never reaches a screen, a log or a query. Valid text no rule matches is `unknown`.
///
/// It replaced the fixed checks the flows had before.
public struct CodeClassifier: Sendable {
    public let maximumLength: Int
    public let rules: [CodeRule]

    /// Classifies scanner bytes (or typed text's UTF-8). One trailing run of CR, LF or Tab (a
    /// scanner's terminator) is dropped first.
    public func classify(_ bytes: some Collection<UInt8>) throws(CodeRejection) -> ClassifiedCode {
        guard bytes.count <= maximumLength else { throw .tooLong(maximum: maximumLength) }
        var trimmed = Array(bytes)
        while let last = trimmed.last, last == 0x0D || last == 0x0A || last == 0x09 { trimmed.removeLast() }
        guard !trimmed.isEmpty else { throw .empty }
        guard let decoded = String(validating: trimmed, as: UTF8.self) else { throw .invalidUTF8 }

        var lineBreaks = false
        for scalar in decoded.unicodeScalars {
            if scalar == "\r" || scalar == "\n" {
                lineBreaks = true
            } else if Self.isRefused(scalar) {
                throw .controlCharacter
            }
        }
        var text = decoded
        if lineBreaks {
            guard rules.contains(where: \.multiline) else { throw .controlCharacter }
            text = decoded.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }

        var matches: [CodeMatch] = []
        for rule in rules where rule.multiline || !lineBreaks {
            if let value = rule.value(of: text) { matches.append(CodeMatch(kind: rule.kind, value: value)) }
        }
        // Line breaks are let through only for a kind that has lines (an MRZ).
        if lineBreaks && matches.isEmpty { throw .controlCharacter }
        return ClassifiedCode(text: text, matches: matches)
    }

    /// C0 and C1 controls, DEL, and format characters (zero-width and bidirectional controls,
    /// which can make a code read differently from what it is).
    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || scalar.properties.generalCategory == .format
    }
}

/// The kinds a code can be. Flows route on them.
public enum CodeKind: String, Sendable, CaseIterable, Equatable {
    /// A pickup code sent by SMS or shown in the app (取件码).
    case pickupCode = "pickup-code"
    /// A result code (统一赋码) or application number.
    case resultCode = "result-code"
    /// A link whose code part is a result code, as printed on approval results.
    case resultURL = "result-url"
    /// The machine-readable zone of a passport or travel document (ICAO 9303).
    case mrz
    /// Valid text that no rule matches: "this code is not one the kiosk can use".
    case unknown
}

/// One kind a code qualified as, and the part of it that kind uses (a result URL's code, upper-cased
/// where the rule says so).
public struct CodeMatch: Sendable, Equatable {
    public var kind: CodeKind
    public var value: String
}

/// A code that passed the checks. `kind` is the first rule that matched, in file order; `matches`
/// lists every one, so a step that wants a result code can take a digits-only code that also
/// looks like a pickup code.
public struct ClassifiedCode: Sendable, Equatable {
    /// The decoded text, terminator dropped, line breaks as LF. Outside data: for MRZ and other
    /// personal data, never log it.
    public var text: String
    public var matches: [CodeMatch]

    public var kind: CodeKind { matches.first?.kind ?? .unknown }
    /// The value of the first match, or the text for an unknown code.
    public var value: String { matches.first?.value ?? text }

    /// The value for `kind`, if the code qualified as it.
    public func value(for kind: CodeKind) -> String? {
        kind == .unknown ? (matches.isEmpty ? text : nil) : matches.first { $0.kind == kind }?.value
    }
}

/// Why a code was refused before classification. Stable kebab-case codes, no code text inside.
public enum CodeRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(maximum: Int)
    case invalidUTF8
    case controlCharacter

    public var code: String {
        switch self {
        case .empty: "code-empty"
        case .tooLong: "code-too-long"
        case .invalidUTF8: "code-invalid-utf8"
        case .controlCharacter: "code-control-character"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the code is empty"
        case .tooLong(let maximum): "the code is longer than \(maximum) bytes"
        case .invalidUTF8: "the code is not valid UTF-8"
        case .controlCharacter: "the code contains control or format characters"
        }
    }
}
