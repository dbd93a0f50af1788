import Crypto
import Foundation

/// A payload sealed with AES-256-GCM, and the id of the key that sealed it.
///
/// The outbox keeps both: the id says which key of the ``SealingKeyring`` opens the box, so items
/// sealed before a key rotation still open afterwards.
public struct SealedPayload: Sendable, Hashable, Codable {
    /// The id of the sealing key (see ``SealingKeyring/keyId(of:)``).
    public var keyId: String
    /// Format version byte `0x01`, then `AES.GCM.SealedBox.combined`: the 12-byte nonce, the
    /// ciphertext (as long as the plaintext) and the 16-byte tag.
    public var box: Data
}

/// Seals personal data at rest and opens it again, with the keys of a ``SealingKeyring``
/// (DESIGN decision 7).
///
/// Payloads are sealed whole with ``seal(_:context:)``; large files, such as scanned pages, are
/// sealed in 64 KiB chunks without ever being loaded whole (see ``sealFile(atPath:toPath:context:)``).
///
/// ## Algorithm
///
/// AES-256 in Galois/Counter Mode from swift-crypto, with a fresh random 96-bit nonce per payload.
/// NIST SP 800-38D (section 8.3) allows a key at most 2^32 messages with random 96-bit nonces,
/// which keeps the chance of ever repeating a nonce below 2^-32. A kiosk sealing ten thousand
/// items a day would need more than a thousand years to get there.
///
/// ## Context
///
/// Every seal and open takes a `context`, authenticated but not encrypted (GCM's additional
/// authenticated data). Callers pass what identifies the item — its id and type, say — so that a
/// sealed payload copied into another item does not open there. The authenticated data also
/// starts with a label that differs between payloads and file chunks, so that a chunk of a sealed
/// file cannot be passed off as a payload with the same context, or the reverse.
///
/// Related documentation: [NIST SP 800-38D](https://csrc.nist.gov/pubs/sp/800/38/d/final),
/// [swift-crypto AES.GCM](https://swiftpackageindex.com/apple/swift-crypto/documentation/crypto/aes/gcm).
public struct Sealer: Sendable {
    /// The keys: the first seals, all open.
    public let keyring: SealingKeyring

    /// The format version that starts every sealed box and sealed file.
    public static let formatVersion: UInt8 = 0x01

    /// The smallest box: version byte, nonce and tag around an empty ciphertext.
    static let minimumBoxCount = 1 + 12 + 16

    /// Authenticated-data label for whole payloads; the context follows it.
    static let payloadLabel = Data("kiosk-sealed-payload-v1\u{0}".utf8)

    public init(keyring: SealingKeyring) {
        self.keyring = keyring
    }

    /// Seals `plaintext` with the current key.
    ///
    /// - parameters:
    ///   - plaintext: The personal data, e.g. a JSON payload with an ID number.
    ///   - context: What the sealed data belongs to (e.g. `"\(itemId) \(type)"`); the same
    ///     context must be given to ``open(_:keyId:context:)``.
    /// - returns: The current key's id and the box to store.
    /// - throws: ``SealingError/cryptoFailure(reason:)`` if swift-crypto refuses, which it does
    ///   not for a valid key.
    public func seal(_ plaintext: Data, context: String) throws(SealingError) -> SealedPayload {
        let current = keyring.entries[0]
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(plaintext, using: current.key, nonce: AES.GCM.Nonce(),
                                      authenticating: Self.authenticatedData(Self.payloadLabel, context))
        } catch {
            throw .cryptoFailure(reason: "\(error)")
        }
        guard let combined = sealed.combined else {
            throw .cryptoFailure(reason: "AES-GCM gave no combined representation for a 12-byte nonce")
        }
        var box = Data(capacity: 1 + combined.count)
        box.append(Self.formatVersion)
        box.append(combined)
        return SealedPayload(keyId: current.id, box: box)
    }

    /// Opens a box made by ``seal(_:context:)``.
    ///
    /// - parameters:
    ///   - box: ``SealedPayload/box``.
    ///   - keyId: ``SealedPayload/keyId``.
    ///   - context: The context the box was sealed with.
    /// - throws: ``SealingError/unknownKey(keyId:keyring:)`` when the keyring lacks the key,
    ///   ``SealingError/authenticationFailed(keyId:)`` when the key, the box or the context differ
    ///   from those it was sealed with, ``SealingError/malformedBox(reason:)`` and
    ///   ``SealingError/unknownFormatVersion(found:expected:)`` for bytes that are not a box.
    ///   Nothing unauthenticated is ever returned.
    public func open(_ box: Data, keyId: String, context: String) throws(SealingError) -> Data {
        guard box.count >= Self.minimumBoxCount else {
            throw .malformedBox(reason: "it is \(box.count) bytes, and a sealed box has at least \(Self.minimumBoxCount)")
        }
        let version = box[box.startIndex]
        guard version == Self.formatVersion else {
            throw .unknownFormatVersion(found: version, expected: Self.formatVersion)
        }
        guard let key = keyring.key(id: keyId) else {
            throw .unknownKey(keyId: keyId, keyring: keyring.source)
        }
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.SealedBox(combined: box.dropFirst())
        } catch {
            throw .malformedBox(reason: "\(error)")
        }
        return try Self.open(sealed, using: key, keyId: keyId,
                             authenticating: Self.authenticatedData(Self.payloadLabel, context))
    }

    /// Opens a ``SealedPayload``; the same as ``open(_:keyId:context:)``.
    public func open(_ payload: SealedPayload, context: String) throws(SealingError) -> Data {
        try open(payload.box, keyId: payload.keyId, context: context)
    }

    /// Opens a GCM box.
    ///
    /// Every failure is reported as a failed authentication: the keyring only holds 32-byte keys
    /// and the nonce is always 12 bytes, so a wrong tag is the only thing left to fail, and the
    /// BoringSSL back end of swift-crypto reports it as an opaque library error rather than
    /// `CryptoKitError.authenticationFailure`.
    static func open(
        _ sealed: AES.GCM.SealedBox, using key: SymmetricKey, keyId: String, authenticating data: Data
    ) throws(SealingError) -> Data {
        do {
            return try AES.GCM.open(sealed, using: key, authenticating: data)
        } catch {
            throw .authenticationFailed(keyId: keyId)
        }
    }

    /// The authenticated data: a label that names the kind of sealed thing and its format version,
    /// then the caller's context.
    static func authenticatedData(_ label: Data, _ context: String) -> Data {
        var data = label
        data.append(contentsOf: context.utf8)
        return data
    }
}
