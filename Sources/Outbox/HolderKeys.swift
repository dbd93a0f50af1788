import Foundation

/// Salted hashes that let the kiosk find a citizen's pickups without storing their ID number or
/// pickup code. The platform computes the same hashes for the manifest it sends this kiosk, and the
/// platform stand-in computes them here, so the two can never drift apart.
///
/// - `holderKey` = lower-hex SHA-256 of `"\(salt)|\(kind)|\(NUMBER upper-cased)"`, where `kind` is
///   the document kind's wire name (`resident-id`, `passport`, …);
/// - `pickupCodeHash` = lower-hex SHA-256 of `"\(salt)|pickup-code|\(code)"`.
public struct HolderKeys: Sendable {
    private let salt: String

    public init(salt: String) { self.salt = salt }

    /// The number is upper-cased so an `x` check character matches.
    public func holderKey(kind: String, number: String) -> String {
        sha256Hex(Data("\(salt)|\(kind)|\(number.uppercased())".utf8))
    }

    public func pickupCodeHash(_ code: String) -> String {
        sha256Hex(Data("\(salt)|pickup-code|\(code)".utf8))
    }
}
