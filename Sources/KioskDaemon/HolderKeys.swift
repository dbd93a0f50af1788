import DeviceKit
import Foundation
import Outbox

/// Salted hashes that let the kiosk find a citizen's pickups without storing their ID number or
/// pickup code. The platform computes the same hashes for the manifest it sends this kiosk.
public struct HolderKeys: Sendable {
    private let salt: String

    public init(salt: String) { self.salt = salt }

    /// `hex(SHA-256(salt | kind | NUMBER))`. The number is upper-cased so an `x` check character matches.
    public func holderKey(kind: Identity.Kind, number: String) -> String {
        sha256Hex(Data("\(salt)|\(kind.rawValue)|\(number.uppercased())".utf8))
    }

    public func holderKey(for identity: Identity) -> String { holderKey(kind: identity.kind, number: identity.number) }

    public func pickupCodeHash(_ code: String) -> String {
        sha256Hex(Data("\(salt)|pickup-code|\(code)".utf8))
    }
}
