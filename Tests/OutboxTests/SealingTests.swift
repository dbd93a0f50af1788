import Crypto
import Foundation
import Testing
@testable import Outbox

/// A fresh folder under the system's temporary directory, removed when `body` returns or throws.
private func withSealingFolder<T>(_ body: (URL) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("sealing-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

private func withSealingFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("sealing-tests-\(UUID().uuidString.lowercased())", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// Writes `contents` to `url` and gives it `mode`.
private func writeSealingFile(_ contents: Data, to url: URL, mode: Int = 0o600) throws {
    try contents.write(to: url)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
}

private func sealingTestMode(of path: String) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// The bytes 0, 1, ..., 31.
private let countingKeyBytes = Data(0..<32)
private let countingKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
private let countingKeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

/// 32 random bytes that are certainly not all printable text (the first is 0).
private func randomSealingKey() -> Data {
    var bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    bytes[0] = 0
    return bytes
}

private func sealingTestKeyring(_ keys: SymmetricKey..., source: String = "test keyring") throws -> SealingKeyring {
    try SealingKeyring(keys: keys, source: source)
}

/// `count` bytes of reproducible noise (xorshift64), cheap to make in a debug build.
private func sealingNoise(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in bytes.indices {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    return Data(bytes)
}

private func thrownSealingError(_ body: () throws -> Void) -> SealingError? {
    do {
        try body()
        return nil
    } catch let error as SealingError {
        return error
    } catch {
        Issue.record("expected a SealingError, got \(error)")
        return nil
    }
}

// MARK: - Key files and keyring

@Suite struct SealingKeyringTests {
    @Test func rawKeyFile() throws {
        try withSealingFolder { folder in
            let raw = randomSealingKey()
            let path = folder.appendingPathComponent("key").path
            try writeSealingFile(raw, to: URL(fileURLWithPath: path))
            let keyring = try SealingKeyring.load(environment: [:], keyFile: path)
            #expect(keyring.keyIds == [SealingKeyring.keyId(of: SymmetricKey(data: raw))])
            #expect(keyring.source == path)
        }
    }

    @Test func hexBase64CommentsAndSeveralKeys() throws {
        let other = SymmetricKey(size: .bits256)
        let otherBase64 = other.withUnsafeBytes { Data($0) }.base64EncodedString()
        let text = """
            # sealing keys for kiosk 17

              \(countingKeyHex)   # current, since June
            \t
            \(otherBase64)
            # the end
            """
        let keyring = try SealingKeyring.parse(Data(text.utf8), path: "/etc/kiosk/sealing-key")
        #expect(keyring.keyIds == [
            SealingKeyring.keyId(of: SymmetricKey(data: countingKeyBytes)), SealingKeyring.keyId(of: other),
        ])
        #expect(keyring.currentKeyId == SealingKeyring.keyId(of: SymmetricKey(data: countingKeyBytes)))

        // Upper-case hex, Windows line ends and base64 name the same key.
        let crlf = try SealingKeyring.parse(Data("\(countingKeyHex.uppercased())\r\n".utf8), path: "k")
        let base64 = try SealingKeyring.parse(Data(countingKeyBase64.utf8), path: "k")
        #expect(crlf.keyIds == base64.keyIds)
        #expect(crlf.currentKeyId == keyring.currentKeyId)
    }

    @Test func keyIdsAreStableAndDistinct() {
        // SHA-256("kiosk-sealing-key-id:" ‖ key), first 16 hex digits, computed independently.
        #expect(SealingKeyring.keyId(of: SymmetricKey(data: Data(count: 32))) == "4a334598be8c1185")
        #expect(SealingKeyring.keyId(of: SymmetricKey(data: countingKeyBytes)) == "6ec27e5a13e17763")
        let ids = Set((0..<50).map { _ in SealingKeyring.keyId(of: SymmetricKey(size: .bits256)) })
        #expect(ids.count == 50)
        #expect(ids.allSatisfy { $0.count == 16 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
    }

    @Test func describingAKeyringShowsNoKey() throws {
        let keyring = try SealingKeyring.parse(Data(countingKeyHex.utf8), path: "/etc/kiosk/sealing-key")
        for text in [String(describing: keyring), String(reflecting: keyring), String(describing: Sealer(keyring: keyring))] {
            #expect(text.contains("6ec27e5a13e17763"))
            #expect(!text.contains(countingKeyHex))
            #expect(!text.contains(countingKeyBase64))
        }
    }

    @Test func malformedLinesAreNamedWithoutTheirContent() {
        let shortBase64 = Data(count: 16).base64EncodedString()
        let error = thrownSealingError {
            _ = try SealingKeyring.parse(Data("# keys\n\(countingKeyHex)\n\(shortBase64)\n".utf8), path: "/k")
        }
        #expect(error == .keyFileMalformed(path: "/k", line: 3, reason: "base64 of 16 bytes; a key is 32 bytes"))
        #expect(error?.description.contains("line 3") == true)
        #expect(error?.description.contains(shortBase64) == false)

        let hex31 = String(countingKeyHex.dropLast(2))
        #expect(thrownSealingError { _ = try SealingKeyring.parse(Data("\(hex31)\n".utf8), path: "/k") }
            == .keyFileMalformed(path: "/k", line: 1, reason: "62 hex digits; a key is 64 hex digits (32 bytes)"))
        #expect(thrownSealingError { _ = try SealingKeyring.parse(Data("not a key!\n".utf8), path: "/k") }
            == .keyFileMalformed(path: "/k", line: 1, reason: "10 characters that are neither hex digits nor base64"))
    }

    @Test func thirtyTwoCharactersOfTextAreNotARawKey() {
        // 32 hex digits (a 128-bit key) is 32 bytes long, but it is text: refuse it.
        let text = Data(String(countingKeyHex.prefix(32)).utf8)
        #expect(text.count == 32)
        #expect(thrownSealingError { _ = try SealingKeyring.parse(text, path: "/k") }
            == .keyFileMalformed(path: "/k", line: 1, reason: "32 hex digits; a key is 64 hex digits (32 bytes)"))
    }

    @Test func binaryOfTheWrongLengthIsRefused() {
        var bytes = randomSealingKey()
        bytes.append(0x0A)
        #expect(thrownSealingError { _ = try SealingKeyring.parse(bytes, path: "/k") }
            == .keyFileMalformed(path: "/k", line: nil, reason: "it is 33 bytes that are neither exactly 32 raw bytes nor text"))
    }

    @Test func duplicateAndMissingKeys() {
        #expect(thrownSealingError {
            _ = try SealingKeyring.parse(Data("\(countingKeyHex)\n\n\(countingKeyBase64)\n".utf8), path: "/k")
        } == .duplicateKey(path: "/k", line: 3, firstLine: 1))
        #expect(thrownSealingError { _ = try SealingKeyring.parse(Data("# nothing yet\n\n".utf8), path: "/k") }
            == .keyFileEmpty(path: "/k"))
        #expect(thrownSealingError { _ = try SealingKeyring(keys: [SymmetricKey(size: .bits128)]) }
            == .invalidKeyLength(bytes: 16))
    }

    @Test func credentialsDirectoryWinsOverTheKeyFile() throws {
        try withSealingFolder { folder in
            let credentials = folder.appendingPathComponent("credentials", isDirectory: true)
            try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
            let credentialKey = randomSealingKey(), fileKey = randomSealingKey()
            // systemd makes the credential private; its mode is not the kiosk's business.
            try writeSealingFile(credentialKey, to: credentials.appendingPathComponent("sealing-key"), mode: 0o444)
            let keyFile = folder.appendingPathComponent("key")
            try writeSealingFile(fileKey, to: keyFile)

            let environment = ["CREDENTIALS_DIRECTORY": credentials.path]
            let keyring = try SealingKeyring.load(environment: environment, keyFile: keyFile.path)
            #expect(keyring.currentKeyId == SealingKeyring.keyId(of: SymmetricKey(data: credentialKey)))
            #expect(keyring.source == credentials.appendingPathComponent("sealing-key").path)

            // Another credential name, absent: the key file is used.
            let fallback = try SealingKeyring.load(
                environment: environment, keyFile: keyFile.path, credentialName: "other-key")
            #expect(fallback.currentKeyId == SealingKeyring.keyId(of: SymmetricKey(data: fileKey)))
            #expect(fallback.source == keyFile.path)
        }
    }

    @Test func keyFileReadableByOthersIsRefusedWithTheFix() throws {
        try withSealingFolder { folder in
            let path = folder.appendingPathComponent("key").path
            try writeSealingFile(randomSealingKey(), to: URL(fileURLWithPath: path), mode: 0o644)
            let error = thrownSealingError { _ = try SealingKeyring.load(environment: [:], keyFile: path) }
            #expect(error == .keyFileNotPrivate(path: path, mode: 0o644))
            let message = error?.description ?? ""
            #expect(message.contains(path))
            #expect(message.contains("0644"))
            #expect(message.contains("chmod 600 \(path)"))

            // 0400 and 0600 are fine; 0640 is not.
            for mode in [0o400, 0o600] {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
                _ = try SealingKeyring.load(environment: [:], keyFile: path)
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
            #expect(thrownSealingError { _ = try SealingKeyring.load(environment: [:], keyFile: path) }
                == .keyFileNotPrivate(path: path, mode: 0o640))
        }
    }

    @Test func keyFileOfAnotherUserIsRefused() throws {
        try withSealingFolder { folder in
            let path = folder.appendingPathComponent("key").path
            try writeSealingFile(randomSealingKey(), to: URL(fileURLWithPath: path))
            let me = UInt32(geteuid())
            let error = thrownSealingError {
                _ = try SealingKeyring.load(environment: [:], keyFile: path, credentialName: "sealing-key", owner: me &+ 1)
            }
            #expect(error == .keyFileWrongOwner(path: path, owner: me, expected: me &+ 1))
            #expect(error?.description.contains("chown") == true)
        }
    }

    @Test func noKeyNamesBothPlaces() throws {
        try withSealingFolder { folder in
            let missing = folder.appendingPathComponent("missing-key").path
            let credentials = folder.path
            let error = thrownSealingError {
                _ = try SealingKeyring.load(environment: ["CREDENTIALS_DIRECTORY": credentials], keyFile: missing)
            }
            let credentialPath = folder.appendingPathComponent("sealing-key").path
            #expect(error == .noKey(credentialName: "sealing-key", credentialPath: credentialPath, keyFile: missing))
            #expect(error?.description.contains(credentialPath) == true)
            #expect(error?.description.contains(missing) == true)

            let bare = thrownSealingError { _ = try SealingKeyring.load(environment: [:], keyFile: nil) }
            #expect(bare == .noKey(credentialName: "sealing-key", credentialPath: nil, keyFile: nil))
            #expect(bare?.description.contains("CREDENTIALS_DIRECTORY is not set") == true)
            #expect(bare?.description.contains("none is configured") == true)
        }
    }

    @Test func unreadableAndIrregularFiles() throws {
        try withSealingFolder { folder in
            let plain = folder.appendingPathComponent("plain")
            try writeSealingFile(Data("x".utf8), to: plain)
            // A path through a regular file fails with ENOTDIR, whoever runs the test.
            let through = plain.appendingPathComponent("key").path
            let error = thrownSealingError { _ = try SealingKeyring.load(environment: [:], keyFile: through) }
            guard case let .keyFileUnreadable(path, reason) = error else {
                Issue.record("expected keyFileUnreadable, got \(String(describing: error))")
                return
            }
            #expect(path == through)
            #expect(!reason.isEmpty)

            #expect(thrownSealingError { _ = try SealingKeyring.load(environment: [:], keyFile: folder.path) }
                == .keyFileNotRegular(path: folder.path, kind: "a directory"))

            let big = folder.appendingPathComponent("big")
            try writeSealingFile(Data(count: 100_000), to: big)
            #expect(thrownSealingError { _ = try SealingKeyring.load(environment: [:], keyFile: big.path) }
                == .keyFileTooLarge(path: big.path, bytes: 100_000))
        }
    }
}

// MARK: - Payloads

@Suite struct SealingPayloadTests {
    let idNumber = "460100199001010027"

    @Test func roundTrip() throws {
        let key = SymmetricKey(size: .bits256)
        let sealer = Sealer(keyring: try sealingTestKeyring(key))
        let plaintext = Data(#"{"name":"王小明","idNumber":"\#(idNumber)"}"#.utf8)
        let sealed = try sealer.seal(plaintext, context: "item-1 submission")
        #expect(sealed.keyId == SealingKeyring.keyId(of: key))
        #expect(sealed.box.first == 0x01)
        #expect(sealed.box.count == 1 + 12 + plaintext.count + 16)
        #expect(try sealer.open(sealed.box, keyId: sealed.keyId, context: "item-1 submission") == plaintext)
        #expect(try sealer.open(sealed, context: "item-1 submission") == plaintext)
        #expect(try sealer.open(sealer.seal(Data(), context: "c"), context: "c") == Data())
    }

    @Test func sealedBytesDoNotContainThePlaintext() throws {
        let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
        let plaintext = Data(#"{"idNumber":"\#(idNumber)"}"#.utf8)
        let first = try sealer.seal(plaintext, context: "c")
        let second = try sealer.seal(plaintext, context: "c")
        for sealed in [first, second] {
            #expect(sealed.box.range(of: Data(idNumber.utf8)) == nil)
            #expect(sealed.box.range(of: Data(idNumber.prefix(6).utf8)) == nil)
            let json = String(decoding: try JSONEncoder().encode(sealed), as: UTF8.self)
            #expect(!json.contains(idNumber))
        }
        // A fresh nonce each time: the same plaintext never seals to the same bytes.
        #expect(first.box != second.box)
    }

    @Test func keyNotInTheKeyringIsNamed() throws {
        let sealed = try Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256))).seal(Data("x".utf8), context: "c")
        let other = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256), source: "/etc/kiosk/sealing-key"))
        let error = thrownSealingError { _ = try other.open(sealed, context: "c") }
        #expect(error == .unknownKey(keyId: sealed.keyId, keyring: "/etc/kiosk/sealing-key"))
        #expect(error?.description.contains("sealed with key \(sealed.keyId)") == true)
        #expect(error?.description.contains("put the old key back after the current one") == true)
    }

    @Test func differentKeyUnderTheSameIdFailsAuthentication() throws {
        let right = SymmetricKey(size: .bits256)
        let sealed = try Sealer(keyring: try sealingTestKeyring(right)).seal(Data(idNumber.utf8), context: "c")
        let impostor = SealingKeyring(
            uncheckedEntries: [(id: sealed.keyId, key: SymmetricKey(size: .bits256))], source: "test")
        let error = thrownSealingError { _ = try Sealer(keyring: impostor).open(sealed, context: "c") }
        #expect(error == .authenticationFailed(keyId: sealed.keyId))
        #expect(error?.description.contains("does not open with key \(sealed.keyId)") == true)
    }

    @Test func anotherContextDoesNotOpen() throws {
        let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
        let sealed = try sealer.seal(Data(idNumber.utf8), context: "item-1 submission")
        for context in ["item-2 submission", "item-1 pickup", "", "item-1 submission "] {
            #expect(thrownSealingError { _ = try sealer.open(sealed, context: context) }
                == .authenticationFailed(keyId: sealed.keyId))
        }
    }

    @Test func everyTamperedByteIsCaught() throws {
        let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
        let sealed = try sealer.seal(Data(idNumber.utf8), context: "c")
        for position in sealed.box.indices {
            var box = sealed.box
            box[position] ^= 0x01
            let error = thrownSealingError { _ = try sealer.open(box, keyId: sealed.keyId, context: "c") }
            if position == sealed.box.startIndex {
                #expect(error == .unknownFormatVersion(found: 0x00, expected: 0x01))
            } else {
                #expect(error == .authenticationFailed(keyId: sealed.keyId), "byte \(position)")
            }
        }
    }

    @Test func malformedBoxes() throws {
        let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
        let id = sealer.keyring.currentKeyId
        #expect(thrownSealingError { _ = try sealer.open(Data(), keyId: id, context: "c") }
            == .malformedBox(reason: "it is 0 bytes, and a sealed box has at least 29"))
        #expect(thrownSealingError { _ = try sealer.open(Data([0x01] + [UInt8](repeating: 0, count: 27)), keyId: id, context: "c") }
            == .malformedBox(reason: "it is 28 bytes, and a sealed box has at least 29"))
        #expect(thrownSealingError { _ = try sealer.open(Data([0x02] + [UInt8](repeating: 0, count: 40)), keyId: id, context: "c") }
            == .unknownFormatVersion(found: 2, expected: 1))
        // The shortest box: an empty plaintext, whose tag is still checked.
        #expect(thrownSealingError { _ = try sealer.open(Data([0x01] + [UInt8](repeating: 0, count: 28)), keyId: id, context: "c") }
            == .authenticationFailed(keyId: id))
    }

    @Test func rotation() throws {
        let old = SymmetricKey(size: .bits256), new = SymmetricKey(size: .bits256)
        let before = Sealer(keyring: try sealingTestKeyring(old))
        let sealedBefore = try before.seal(Data(idNumber.utf8), context: "item-1")

        let after = Sealer(keyring: try sealingTestKeyring(new, old))
        #expect(try after.open(sealedBefore, context: "item-1") == Data(idNumber.utf8))
        let sealedAfter = try after.seal(Data("later".utf8), context: "item-2")
        #expect(sealedAfter.keyId == SealingKeyring.keyId(of: new))
        #expect(sealedAfter.keyId != sealedBefore.keyId)
        #expect(try after.open(sealedAfter, context: "item-2") == Data("later".utf8))

        // Once the old key is gone, its items no longer open, and the error says why.
        let newOnly = Sealer(keyring: try sealingTestKeyring(new))
        #expect(thrownSealingError { _ = try newOnly.open(sealedBefore, context: "item-1") }
            == .unknownKey(keyId: sealedBefore.keyId, keyring: "test keyring"))
    }
}

// MARK: - Sealed files

@Suite struct SealedFileTests {
    static let chunk = Sealer.fileChunkSize
    static let sealedChunk = Sealer.fileChunkSize + 16
    static let header = 24

    /// Seals `plaintext` into `sealed.bin` in `folder` and returns the sealer, the sealed path and
    /// the summary.
    func sealed(
        _ plaintext: Data, in folder: URL, context: String = "item-1 scan"
    ) throws -> (Sealer, String, SealedFileSummary) {
        let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
        let source = folder.appendingPathComponent("page.raw")
        try plaintext.write(to: source)
        let destination = folder.appendingPathComponent("sealed.bin").path
        let summary = try sealer.sealFile(atPath: source.path, toPath: destination, context: context)
        return (sealer, destination, summary)
    }

    /// Where chunk `index` lies in the sealed file `data`.
    func chunkRange(_ index: Int, in data: Data) -> Range<Int> {
        let start = Self.header + index * Self.sealedChunk
        return start..<min(start + Self.sealedChunk, data.count)
    }

    @Test func fiveMegabytesRoundTrip() throws {
        try withSealingFolder { folder in
            var plaintext = sealingNoise(count: 5 * 1024 * 1024 + 12_345)
            let marker = Data("idNumber=460100199001010027".utf8)
            plaintext.replaceSubrange(1_000_000..<1_000_000 + marker.count, with: marker)
            let (sealer, path, summary) = try sealed(plaintext, in: folder)

            let chunks = (plaintext.count + Self.chunk - 1) / Self.chunk
            #expect(summary.chunks == chunks)
            #expect(summary.keyId == sealer.keyring.currentKeyId)
            #expect(summary.plaintextBytes == Int64(plaintext.count))
            let sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Int64(sealedData.count) == summary.sealedBytes)
            #expect(sealedData.count == Self.header + plaintext.count + 16 * chunks)
            #expect(sealedData.range(of: marker) == nil)
            #expect(sealedData.first == 0x01)
            #expect(String(decoding: sealedData[1..<17], as: UTF8.self) == sealer.keyring.currentKeyId)
            #expect(try sealingTestMode(of: path) == 0o600)
            #expect(!FileManager.default.fileExists(atPath: path + ".partial"))

            let opened = folder.appendingPathComponent("opened.raw").path
            let openedSummary = try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan")
            #expect(openedSummary == summary)
            #expect(try Data(contentsOf: URL(fileURLWithPath: opened)) == plaintext)
            #expect(try sealingTestMode(of: opened) == 0o600)
            #expect(!FileManager.default.fileExists(atPath: opened + ".partial"))

            let reader = try SealedFileReader(path: path, sealer: sealer, context: "item-1 scan")
            #expect(reader.expectedPlaintextBytes == Int64(plaintext.count))
            #expect(reader.keyId == summary.keyId)
        }
    }

    @Test func exactMultipleOfTheChunkSize() throws {
        try withSealingFolder { folder in
            let plaintext = sealingNoise(count: 3 * Self.chunk)
            let (sealer, path, summary) = try sealed(plaintext, in: folder)
            #expect(summary.chunks == 3)
            let opened = folder.appendingPathComponent("opened").path
            try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan")
            #expect(try Data(contentsOf: URL(fileURLWithPath: opened)) == plaintext)
        }
    }

    @Test func emptyFileRoundTrips() async throws {
        try await withSealingFolder { folder in
            let (sealer, path, summary) = try sealed(Data(), in: folder)
            #expect(summary.chunks == 1)
            #expect(summary.sealedBytes == Int64(Self.header + 16))
            let opened = folder.appendingPathComponent("opened").path
            try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan")
            #expect(try Data(contentsOf: URL(fileURLWithPath: opened)) == Data())
            var count = 0
            for try await _ in sealer.openedChunks(ofFileAtPath: path, context: "item-1 scan") { count += 1 }
            #expect(count == 0)
            #expect(try SealedFileReader(path: path, sealer: sealer, context: "item-1 scan").expectedPlaintextBytes == 0)
        }
    }

    @Test func truncationIsDetected() throws {
        try withSealingFolder { folder in
            let (sealer, path, summary) = try sealed(sealingNoise(count: 5 * Self.chunk + 100), in: folder)
            #expect(summary.chunks == 6)
            let sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            let opened = folder.appendingPathComponent("opened").path

            // Cut at a chunk boundary: the file has no final chunk.
            for kept in [5, 2, 0] {
                try sealedData.prefix(Self.header + kept * Self.sealedChunk).write(to: URL(fileURLWithPath: path))
                let error = thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                #expect(error == .sealedFileTruncated(path: path, chunks: kept))
                #expect(error?.description.contains("cut short") == true)
                #expect(!FileManager.default.fileExists(atPath: opened))
                #expect(!FileManager.default.fileExists(atPath: opened + ".partial"))
            }

            // Cut inside the last chunk, or inside the header.
            try sealedData.dropLast(50).write(to: URL(fileURLWithPath: path))
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                == .sealedFileChunkFailed(path: path, chunk: 5, keyId: summary.keyId))
            try sealedData.prefix(10).write(to: URL(fileURLWithPath: path))
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                == .sealedFileHeaderInvalid(path: path, reason: "the file is 10 bytes, shorter than the 24-byte header"))
            #expect(!FileManager.default.fileExists(atPath: opened))
        }
    }

    @Test func truncationAtAFullFinalChunkIsDetected() throws {
        try withSealingFolder { folder in
            // With an exact multiple of 64 KiB the final chunk is full; dropping it leaves full
            // chunks that are all marked "not last".
            let (sealer, path, _) = try sealed(sealingNoise(count: 4 * Self.chunk), in: folder)
            let sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            try sealedData.dropLast(Self.sealedChunk).write(to: URL(fileURLWithPath: path))
            let opened = folder.appendingPathComponent("opened").path
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                == .sealedFileTruncated(path: path, chunks: 3))
        }
    }

    @Test func swappedChunksAreDetected() throws {
        try withSealingFolder { folder in
            let (sealer, path, summary) = try sealed(sealingNoise(count: 6 * Self.chunk + 7), in: folder)
            var sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            let one = sealedData[chunkRange(1, in: sealedData)], two = sealedData[chunkRange(2, in: sealedData)]
            sealedData.replaceSubrange(chunkRange(1, in: sealedData), with: two)
            sealedData.replaceSubrange(chunkRange(2, in: sealedData), with: one)
            try sealedData.write(to: URL(fileURLWithPath: path))
            let opened = folder.appendingPathComponent("opened").path
            let error = thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
            #expect(error == .sealedFileChunkFailed(path: path, chunk: 1, keyId: summary.keyId))
            #expect(error?.description.contains("chunk 1") == true)
            #expect(!FileManager.default.fileExists(atPath: opened))
        }
    }

    @Test func flippedByteInAMiddleChunkIsDetected() throws {
        try withSealingFolder { folder in
            let (sealer, path, summary) = try sealed(sealingNoise(count: 40 * Self.chunk + 1_000), in: folder)
            var sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            sealedData[chunkRange(20, in: sealedData).lowerBound + 12_345] ^= 0x80
            try sealedData.write(to: URL(fileURLWithPath: path))
            let opened = folder.appendingPathComponent("opened").path
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                == .sealedFileChunkFailed(path: path, chunk: 20, keyId: summary.keyId))
            #expect(!FileManager.default.fileExists(atPath: opened))
        }
    }

    @Test func finalChunkMovedForwardAndTrailingData() throws {
        try withSealingFolder { folder in
            let (sealer, path, summary) = try sealed(sealingNoise(count: 3 * Self.chunk), in: folder)
            let sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            let opened = folder.appendingPathComponent("opened").path

            var appended = sealedData
            appended.append(contentsOf: [1, 2, 3])
            try appended.write(to: URL(fileURLWithPath: path))
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                == .sealedFileTrailingData(path: path, chunk: 2))

            // The final (full) chunk repeated after itself.
            var doubled = sealedData
            doubled.append(sealedData[chunkRange(2, in: sealedData)])
            try doubled.write(to: URL(fileURLWithPath: path))
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
                == .sealedFileTrailingData(path: path, chunk: 2))

            try sealedData.write(to: URL(fileURLWithPath: path))
            #expect(thrownSealingError { try sealer.openFile(atPath: path, toPath: opened, context: "item-2 scan") }
                == .sealedFileChunkFailed(path: path, chunk: 0, keyId: summary.keyId))
        }
    }

    @Test func wrongKeys() throws {
        try withSealingFolder { folder in
            let (_, path, summary) = try sealed(sealingNoise(count: 100_000), in: folder)
            let opened = folder.appendingPathComponent("opened").path

            let stranger = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256), source: "/etc/kiosk/sealing-key"))
            let unknown = thrownSealingError { try stranger.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
            #expect(unknown == .unknownKey(keyId: summary.keyId, keyring: "/etc/kiosk/sealing-key"))

            let impostor = Sealer(keyring: SealingKeyring(
                uncheckedEntries: [(id: summary.keyId, key: SymmetricKey(size: .bits256))], source: "test"))
            let failed = thrownSealingError { try impostor.openFile(atPath: path, toPath: opened, context: "item-1 scan") }
            #expect(failed == .sealedFileChunkFailed(path: path, chunk: 0, keyId: summary.keyId))
            #expect(failed?.description.contains("different key under that id") == true)
            #expect(!FileManager.default.fileExists(atPath: opened))
        }
    }

    @Test func rotationOpensFilesOfTheOldKey() throws {
        try withSealingFolder { folder in
            let plaintext = sealingNoise(count: 70_000)
            let (old, path, summary) = try sealed(plaintext, in: folder)
            let new = SymmetricKey(size: .bits256)
            let rotated = Sealer(keyring: try SealingKeyring(keys: [new, old.keyring.entries[0].key]))
            let opened = folder.appendingPathComponent("opened").path
            #expect(try rotated.openFile(atPath: path, toPath: opened, context: "item-1 scan").keyId == summary.keyId)
            #expect(try Data(contentsOf: URL(fileURLWithPath: opened)) == plaintext)
            let resealed = folder.appendingPathComponent("resealed").path
            #expect(try rotated.sealFile(atPath: opened, toPath: resealed, context: "c").keyId
                == SealingKeyring.keyId(of: new))
        }
    }

    @Test func asyncChunksStreamThePlaintext() async throws {
        try await withSealingFolder { folder in
            let plaintext = sealingNoise(count: 3 * Self.chunk + 5)
            let (sealer, path, summary) = try sealed(plaintext, in: folder)
            var received = Data()
            var sizes: [Int] = []
            for try await chunk in sealer.openedChunks(ofFileAtPath: path, context: "item-1 scan") {
                received.append(chunk)
                sizes.append(chunk.count)
            }
            #expect(received == plaintext)
            #expect(sizes == [Self.chunk, Self.chunk, Self.chunk, 5])

            // Damage chunk 2: chunks 0 and 1 come through, then the sequence throws.
            var sealedData = try Data(contentsOf: URL(fileURLWithPath: path))
            sealedData[chunkRange(2, in: sealedData).lowerBound] ^= 0x01
            try sealedData.write(to: URL(fileURLWithPath: path))
            var delivered = 0
            do throws(SealingError) {
                for try await _ in sealer.openedChunks(ofFileAtPath: path, context: "item-1 scan") { delivered += 1 }
                Issue.record("the damaged file streamed to its end")
            } catch {
                #expect(error == .sealedFileChunkFailed(path: path, chunk: 2, keyId: summary.keyId))
            }
            #expect(delivered == 2)
        }
    }

    @Test func missingSourceAndBadDestination() throws {
        try withSealingFolder { folder in
            let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
            let missing = folder.appendingPathComponent("missing").path
            let destination = folder.appendingPathComponent("out").path
            guard case let .io(path, operation, _) = thrownSealingError({
                try sealer.sealFile(atPath: missing, toPath: destination, context: "c")
            }) else {
                Issue.record("expected an io error")
                return
            }
            #expect(path == missing)
            #expect(operation == "open")
            #expect(!FileManager.default.fileExists(atPath: destination + ".partial"))

            let source = folder.appendingPathComponent("in")
            try Data("x".utf8).write(to: source)
            let nowhere = folder.appendingPathComponent("no-such-folder/out").path
            guard case let .io(partial, create, _) = thrownSealingError({
                try sealer.sealFile(atPath: source.path, toPath: nowhere, context: "c")
            }) else {
                Issue.record("expected an io error")
                return
            }
            #expect(partial == nowhere + ".partial")
            #expect(create == "create")
        }
    }

    @Test func leftoverPartialFileIsReplaced() throws {
        try withSealingFolder { folder in
            let sealer = Sealer(keyring: try sealingTestKeyring(SymmetricKey(size: .bits256)))
            let source = folder.appendingPathComponent("in")
            try Data("460100199001010027".utf8).write(to: source)
            let destination = folder.appendingPathComponent("out").path
            try writeSealingFile(Data("left by a crash".utf8), to: URL(fileURLWithPath: destination + ".partial"), mode: 0o644)
            try sealer.sealFile(atPath: source.path, toPath: destination, context: "c")
            #expect(!FileManager.default.fileExists(atPath: destination + ".partial"))
            #expect(try sealingTestMode(of: destination) == 0o600)
            let opened = folder.appendingPathComponent("opened").path
            try sealer.openFile(atPath: destination, toPath: opened, context: "c")
            #expect(try Data(contentsOf: URL(fileURLWithPath: opened)) == Data("460100199001010027".utf8))
        }
    }

    @Test func expectedPlaintextLengthFromTheFileSize() {
        #expect(SealedFileReader.plaintextBytes(sealedFileSize: 24 + 16) == 0)
        #expect(SealedFileReader.plaintextBytes(sealedFileSize: 24 + 15) == nil)
        #expect(SealedFileReader.plaintextBytes(sealedFileSize: Int64(24 + Self.sealedChunk)) == Int64(Self.chunk))
        #expect(SealedFileReader.plaintextBytes(sealedFileSize: Int64(24 + Self.sealedChunk + 10)) == nil)
        #expect(SealedFileReader.plaintextBytes(sealedFileSize: Int64(24 + Self.sealedChunk + 17)) == Int64(Self.chunk + 1))
    }
}
