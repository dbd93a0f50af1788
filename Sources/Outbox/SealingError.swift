import Foundation

/// Everything that can go wrong loading the sealing key or sealing and opening personal data,
/// worded for the operator who reads it in the journal or in `kioskctl`, with what to do where
/// there is something to do (DESIGN decisions 3 and 7).
///
/// Messages never carry key material, plaintext or ciphertext: only paths, line numbers, key ids
/// (which reveal nothing about the key, see ``SealingKeyring/keyId(of:)``), modes, counts and the
/// system's own words.
public enum SealingError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    // MARK: Finding and reading the key file

    /// No key was found in either place the kiosk looks.
    ///
    /// `credentialPath` is `$CREDENTIALS_DIRECTORY/<name>`, or nil when the environment has no
    /// `CREDENTIALS_DIRECTORY` (kioskd was not started by systemd with a credential);
    /// `keyFile` is the configured file, or nil when none is configured.
    case noKey(credentialName: String, credentialPath: String?, keyFile: String?)
    /// The key file exists but could not be opened or read.
    case keyFileUnreadable(path: String, reason: String)
    /// The key file is a directory, a device, a FIFO or a socket instead of a regular file.
    case keyFileNotRegular(path: String, kind: String)
    /// The key file may be read or written by the group or by other users. `mode` holds the
    /// permission bits found (e.g. `0o644`).
    case keyFileNotPrivate(path: String, mode: UInt32)
    /// The key file belongs to another user than the one the kiosk runs as.
    case keyFileWrongOwner(path: String, owner: UInt32, expected: UInt32)
    /// The key file is far larger than any keyring; it is probably the wrong file.
    case keyFileTooLarge(path: String, bytes: Int)
    /// A line of the key file (1-based), or the whole file when `line` is nil, is not a key.
    case keyFileMalformed(path: String, line: Int?, reason: String)
    /// The key file holds only blank lines and comments.
    case keyFileEmpty(path: String)
    /// The same key appears twice (`line` repeats `firstLine`); every key must be distinct so that
    /// its id names one key.
    case duplicateKey(path: String, line: Int, firstLine: Int)
    /// A key given in code is not 32 bytes long.
    case invalidKeyLength(bytes: Int)

    // MARK: Payloads

    /// The item was sealed with key `keyId`, which the keyring loaded from `keyring` does not hold.
    case unknownKey(keyId: String, keyring: String)
    /// The box does not open with the key under `keyId`: that key is not the one that sealed it,
    /// the box was changed, or it belongs to another item (its context differs).
    case authenticationFailed(keyId: String)
    /// The bytes are not a sealed box: too short, or damaged beyond the point of authentication.
    case malformedBox(reason: String)
    /// The box or file starts with a format version this build does not know.
    case unknownFormatVersion(found: UInt8, expected: UInt8)
    /// swift-crypto refused an operation that should not fail (reported with its words).
    case cryptoFailure(reason: String)

    // MARK: Sealed files

    /// The sealed file's header is missing or damaged.
    case sealedFileHeaderInvalid(path: String, reason: String)
    /// The sealed file ends after `chunks` chunks without its final chunk: it was cut short.
    case sealedFileTruncated(path: String, chunks: Int)
    /// Chunk `chunk` (0-based) does not open with the key under `keyId`.
    case sealedFileChunkFailed(path: String, chunk: Int, keyId: String)
    /// Data follows the final chunk `chunk` (0-based).
    case sealedFileTrailingData(path: String, chunk: Int)
    /// The file needs more chunks than the 32-bit counter of the format allows (256 TiB).
    case sealedFileTooLarge(path: String)
    /// Reading, writing, syncing or renaming a file failed.
    case io(path: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case let .noKey(name, credentialPath, keyFile):
            let credential = credentialPath.map { "the systemd credential \($0) (not there)" }
                ?? "the systemd credential '\(name)' (CREDENTIALS_DIRECTORY is not set: kioskd was not started by systemd with LoadCredentialEncrypted=\(name):...)"
            let file = keyFile.map { "the key file \($0) (not there)" } ?? "a key file (none is configured)"
            return "no sealing key found: looked for \(credential) and \(file). Create a key with `(umask 077; head -c 32 /dev/urandom > KEY)` and either wrap it with `systemd-creds encrypt --name=\(name) KEY /etc/credstore.encrypted/\(name)` for the unit's LoadCredentialEncrypted=, or point the kiosk's key file setting at it."
        case let .keyFileUnreadable(path, reason):
            return "the sealing key file \(path) cannot be read: \(reason). Check that it belongs to the kiosk's user and that its folder may be entered."
        case let .keyFileNotRegular(path, kind):
            return "the sealing key file \(path) is \(kind), not a regular file; point the key file setting at the file that holds the key."
        case let .keyFileNotPrivate(path, mode):
            return "the sealing key file \(path) has mode \(Self.octal(mode)), which lets the group or other users at it; the kiosk only accepts 0600 or 0400: run `chmod 600 \(path)`."
        case let .keyFileWrongOwner(path, owner, expected):
            return "the sealing key file \(path) belongs to uid \(owner), not to the kiosk's user (uid \(expected)): run `chown \(expected) \(path)`."
        case let .keyFileTooLarge(path, bytes):
            return "the sealing key file \(path) is \(bytes) bytes, far more than a keyring; check that the key file setting names the right file."
        case let .keyFileMalformed(path, line, reason):
            if let line {
                return "the sealing key file \(path), line \(line): \(reason). Each line holds one key as 64 hex digits or as base64 of 32 bytes; blank lines and lines starting with # are ignored."
            }
            return "the sealing key file \(path): \(reason). A key file holds exactly 32 raw bytes, or text with one key per line (64 hex digits or base64 of 32 bytes)."
        case let .keyFileEmpty(path):
            return "the sealing key file \(path) holds no key, only blank lines and comments."
        case let .duplicateKey(path, line, firstLine):
            return "the sealing key file \(path), line \(line): the same key as on line \(firstLine); remove one of them."
        case let .invalidKeyLength(bytes):
            return "a sealing key is 32 bytes (AES-256), not \(bytes)."
        case let .unknownKey(keyId, keyring):
            return "this item was sealed with key \(keyId), which is not in the keyring at \(keyring): put the old key back after the current one."
        case let .authenticationFailed(keyId):
            return "the sealed data does not open with key \(keyId): the key file has a different key under that id, or the data was changed (or moved from another item)."
        case let .malformedBox(reason):
            return "the sealed data is malformed: \(reason)."
        case let .unknownFormatVersion(found, expected):
            return "the sealed data has format version \(found); this kiosk reads version \(expected). It was written by another program or version, or damaged."
        case let .cryptoFailure(reason):
            return "the cryptography library refused the operation: \(reason)."
        case let .sealedFileHeaderInvalid(path, reason):
            return "the sealed file \(path) has no valid header: \(reason)."
        case let .sealedFileTruncated(path, chunks):
            return "the sealed file \(path) ends after \(chunks) chunk\(chunks == 1 ? "" : "s") without its final chunk: it was cut short (an interrupted copy or a full disk). Seal it again from the original if there is one."
        case let .sealedFileChunkFailed(path, chunk, keyId):
            if chunk == 0 {
                return "the sealed file \(path) does not open with key \(keyId) (chunk 0 fails): the key file has a different key under that id, the file belongs to another item, or it was changed."
            }
            return "the sealed file \(path) was changed: chunk \(chunk) does not open with key \(keyId) (a damaged, reordered or replaced chunk, or the file was cut short inside it)."
        case let .sealedFileTrailingData(path, chunk):
            return "the sealed file \(path) has data after its final chunk \(chunk): it was changed."
        case let .sealedFileTooLarge(path):
            return "the file \(path) is too large to seal (more than 2^32 chunks of 64 KiB)."
        case let .io(path, operation, reason):
            return "could not \(operation) \(path): \(reason)."
        }
    }

    public var errorDescription: String? { description }

    /// A permission mode as the `chmod` digits an operator types, e.g. `0644`.
    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
