import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The AES-256 keys that seal personal data at rest: the first one seals, every one opens
/// (DESIGN decision 7).
///
/// ## Rotation
///
/// To change keys, put the new key first in the key file and keep the old ones after it until
/// every item sealed with them has been delivered. New items are sealed with the new key; old
/// items still open, because each sealed payload and file names the id of its key.
///
/// ## Key file
///
/// A key file holds either exactly 32 raw bytes — what `head -c 32 /dev/urandom > KEY` makes and
/// what `systemd-creds encrypt` wraps — or text with one key per line, as 64 hex digits or as
/// base64 of 32 bytes. Blank lines are ignored, and so is everything from a `#` to the end of its
/// line, so keys can carry a note:
///
/// ```
/// # current, since 2025-06
/// 3q2+7w...=            # base64
/// 00112233...eeff       # previous key, until its items are delivered
/// ```
///
/// A 32-byte file made only of printable text is read as text, not as a raw key, so that a
/// mistyped key (say, 32 hex digits) is refused instead of being taken for a key.
///
/// ## Where the key comes from
///
/// ``load(environment:keyFile:credentialName:)`` prefers the systemd credential
/// (`LoadCredentialEncrypted=sealing-key:...` in the unit, which systemd decrypts into a private
/// folder named by `CREDENTIALS_DIRECTORY`) and falls back to a configured file, which must be
/// private to the kiosk's user.
///
/// Related documentation: [systemd credentials](https://systemd.io/CREDENTIALS/),
/// [NIST SP 800-38D](https://csrc.nist.gov/pubs/sp/800/38/d/final) (AES-GCM).
public struct SealingKeyring: Sendable {
    /// One key and its id.
    struct Entry: Sendable {
        var id: String
        var key: SymmetricKey
    }

    /// The keys, current one first. Never empty.
    let entries: [Entry]

    /// Where the keys came from (the credential or key file path), for messages such as
    /// ``SealingError/unknownKey(keyId:keyring:)``.
    public let source: String

    /// The name of the systemd credential that holds the keys unless told otherwise.
    public static let defaultCredentialName = "sealing-key"

    /// A key is 32 bytes: AES-256.
    public static let keyByteCount = 32

    /// Key files larger than this are refused as the wrong file; a keyring of a few keys is a few
    /// hundred bytes.
    static let maximumKeyFileBytes = 64 * 1024

    /// A keyring from keys given in code (tests, tools); the first key is the current one.
    ///
    /// - throws: ``SealingError/invalidKeyLength(bytes:)`` for a key that is not 32 bytes,
    ///   ``SealingError/keyFileEmpty(path:)`` for no keys and ``SealingError/duplicateKey(path:line:firstLine:)``
    ///   (lines counted from 1 in `keys`) for a key given twice.
    public init(keys: [SymmetricKey], source: String = "(keys given in code)") throws(SealingError) {
        var entries: [Entry] = []
        var seen: [Data: Int] = [:]
        for (index, key) in keys.enumerated() {
            guard key.bitCount == Self.keyByteCount * 8 else { throw .invalidKeyLength(bytes: key.bitCount / 8) }
            let bytes = key.withUnsafeBytes { Data($0) }
            if let first = seen[bytes] { throw .duplicateKey(path: source, line: index + 1, firstLine: first) }
            seen[bytes] = index + 1
            entries.append(Entry(id: Self.keyId(of: key), key: key))
        }
        guard !entries.isEmpty else { throw .keyFileEmpty(path: source) }
        self.entries = entries
        self.source = source
    }

    /// A keyring with ids given by the caller, unchecked: only for tests that need a key under
    /// another key's id.
    init(uncheckedEntries entries: [(id: String, key: SymmetricKey)], source: String) {
        precondition(!entries.isEmpty, "a keyring holds at least one key")
        self.entries = entries.map { Entry(id: $0.id, key: $0.key) }
        self.source = source
    }

    /// The id of the key that seals new data.
    public var currentKeyId: String { entries[0].id }

    /// The ids of all keys, current one first.
    public var keyIds: [String] { entries.map(\.id) }

    /// The key with this id, if the keyring holds it.
    func key(id: String) -> SymmetricKey? {
        entries.first { $0.id == id }?.key
    }

    /// A key's id: the first 16 lower-case hex digits of SHA-256 over `kiosk-sealing-key-id:`
    /// followed by the key's bytes.
    ///
    /// The id is stable, so a sealed item can name its key, and reveals nothing useful about the
    /// key: the prefix keeps it from being the plain hash of the key that some other program
    /// might also publish.
    public static func keyId(of key: SymmetricKey) -> String {
        var input = Data("kiosk-sealing-key-id:".utf8)
        key.withUnsafeBytes { input.append(contentsOf: $0) }
        return String(sha256Hex(input).prefix(16))
    }

    // MARK: Loading

    /// Loads the keyring from the systemd credential or, failing that, from the key file.
    ///
    /// 1. If `environment` has `CREDENTIALS_DIRECTORY` and `$CREDENTIALS_DIRECTORY/<credentialName>`
    ///    exists, that file is used as it is: systemd made it private to the service.
    /// 2. Otherwise `keyFile` is used, if given and present. It must be a regular file owned by
    ///    the user the kiosk runs as, with no permission bits for the group or others (mode 0600
    ///    or 0400): a key anyone can read seals nothing.
    ///
    /// Both the environment and the path are parameters, so that nothing is read from hidden
    /// globals; kioskd passes `ProcessInfo.processInfo.environment` and its configured path.
    ///
    /// - throws: ``SealingError/noKey(credentialName:credentialPath:keyFile:)`` naming both places
    ///   when neither holds a file; the key-file cases of ``SealingError`` when the file found is
    ///   not private, cannot be read or holds no valid keys.
    public static func load(
        environment: [String: String], keyFile: String?, credentialName: String = defaultCredentialName
    ) throws(SealingError) -> SealingKeyring {
        try load(environment: environment, keyFile: keyFile, credentialName: credentialName,
                 owner: UInt32(geteuid()))
    }

    /// ``load(environment:keyFile:credentialName:)`` with the user the key file must belong to
    /// given, so that tests can check the owner rule without changing a file's owner.
    static func load(
        environment: [String: String], keyFile: String?, credentialName: String, owner: UInt32
    ) throws(SealingError) -> SealingKeyring {
        var credentialPath: String?
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = (directory as NSString).appendingPathComponent(credentialName)
            credentialPath = path
            if let contents = try readKeyFile(path, owner: nil) {
                return try parse(contents, path: path)
            }
        }
        if let keyFile, let contents = try readKeyFile(keyFile, owner: owner) {
            return try parse(contents, path: keyFile)
        }
        throw .noKey(credentialName: credentialName, credentialPath: credentialPath, keyFile: keyFile)
    }

    /// The bytes of the key file at `path`, or nil when there is no file there. With an `owner`,
    /// the file must belong to that user and have no permission bits for the group or others.
    ///
    /// The checks run with `fstat` on the descriptor that is then read, so the file checked is the
    /// file read even if the path changes in between.
    private static func readKeyFile(_ path: String, owner expected: UInt32?) throws(SealingError) -> Data? {
        let file: SealingFile
        do {
            file = try SealingFile.openForReading(path)
        } catch {
            if error.code == ENOENT { return nil }
            throw .keyFileUnreadable(path: path, reason: error.reason)
        }
        defer { file.close() }
        let info: stat
        do { info = try file.status() } catch { throw .keyFileUnreadable(path: path, reason: error.reason) }

        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .keyFileNotRegular(path: path, kind: SealingFile.kind(of: info.st_mode))
        }
        if let expected {
            let owner = UInt32(info.st_uid)
            guard owner == expected else { throw .keyFileWrongOwner(path: path, owner: owner, expected: expected) }
            guard info.st_mode & 0o077 == 0 else { throw .keyFileNotPrivate(path: path, mode: UInt32(info.st_mode & 0o7777)) }
        }
        guard info.st_size <= maximumKeyFileBytes else { throw .keyFileTooLarge(path: path, bytes: Int(info.st_size)) }

        let contents: Data
        do { contents = try file.read(upTo: maximumKeyFileBytes + 1) } catch {
            throw .keyFileUnreadable(path: path, reason: error.reason)
        }
        guard contents.count <= maximumKeyFileBytes else { throw .keyFileTooLarge(path: path, bytes: contents.count) }
        return contents
    }

    /// Reads a keyring from the contents of a key file (see the type's documentation for the
    /// format). `path` is only used in messages and as the keyring's ``source``.
    public static func parse(_ contents: Data, path: String) throws(SealingError) -> SealingKeyring {
        if contents.count == keyByteCount && !contents.allSatisfy(isTextByte) {
            return try SealingKeyring(keys: [SymmetricKey(data: contents)], source: path)
        }
        guard contents.allSatisfy({ $0 < 0x80 ? isTextByte($0) : true }),
              var text = String(validating: contents, as: UTF8.self)
        else {
            throw .keyFileMalformed(
                path: path, line: nil,
                reason: "it is \(contents.count) bytes that are neither exactly 32 raw bytes nor text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }

        var keys: [SymmetricKey] = []
        var lineOfKey: [Data: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let content = rawLine.prefix { $0 != "#" }.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.isEmpty { continue }
            let bytes = try decodeKey(content, path: path, line: lineNumber)
            if let first = lineOfKey[bytes] {
                throw .duplicateKey(path: path, line: lineNumber, firstLine: first)
            }
            lineOfKey[bytes] = lineNumber
            keys.append(SymmetricKey(data: bytes))
        }
        guard !keys.isEmpty else { throw .keyFileEmpty(path: path) }
        return try SealingKeyring(keys: keys, source: path)
    }

    /// One line's key, from 64 hex digits or base64 of 32 bytes. Messages describe the line by
    /// its length and alphabet only, never by its content.
    private static func decodeKey(_ text: String, path: String, line: Int) throws(SealingError) -> Data {
        let characters = Array(text.utf8)
        let isHex = characters.allSatisfy { hexValue($0) != nil }
        if isHex && characters.count == 2 * keyByteCount {
            var bytes = Data(capacity: keyByteCount)
            for pair in stride(from: 0, to: characters.count, by: 2) {
                bytes.append(hexValue(characters[pair])! << 4 | hexValue(characters[pair + 1])!)
            }
            return bytes
        }
        if let bytes = Data(base64Encoded: text) {
            guard bytes.count == keyByteCount else {
                throw .keyFileMalformed(
                    path: path, line: line,
                    reason: isHex
                        ? "\(characters.count) hex digits; a key is 64 hex digits (32 bytes)"
                        : "base64 of \(bytes.count) bytes; a key is 32 bytes")
            }
            return bytes
        }
        throw .keyFileMalformed(
            path: path, line: line,
            reason: isHex
                ? "\(characters.count) hex digits; a key is 64 hex digits (32 bytes)"
                : "\(characters.count) characters that are neither hex digits nor base64")
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Printable ASCII, tab, line feed or carriage return.
    private static func isTextByte(_ byte: UInt8) -> Bool {
        (0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

extension SealingKeyring: CustomStringConvertible, CustomReflectable {
    /// The source and the key ids, never the keys, so that logging a keyring (or a ``Sealer``)
    /// leaks nothing.
    public var description: String {
        "SealingKeyring(source: \(source), keyIds: \(keyIds.joined(separator: ", ")))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["source": source, "keyIds": keyIds], displayStyle: .struct)
    }
}
