import Crypto
import Foundation

/// Sealing large files — scanned pages of tens of megabytes — in 64 KiB chunks, so that neither
/// sealing nor opening ever holds more than two chunks in memory.
///
/// ## Format
///
/// The file starts with a 24-byte header: the format version byte `0x01`, the key id as 16 ASCII
/// hex digits, and a random 7-byte nonce prefix. Then come the chunks: every 64 KiB of plaintext
/// is sealed with AES-256-GCM into 64 KiB of ciphertext and a 16-byte tag; only the final chunk
/// may be shorter (an empty file has one final chunk with no ciphertext).
///
/// Chunk *i* is sealed with the nonce `prefix (7 bytes) ‖ i (4 bytes, big-endian) ‖ last (1 byte)`,
/// where `last` is 1 for the final chunk and 0 for all others, and with the same authenticated data
/// as a payload: a label for sealed files, then the caller's context. This is the STREAM
/// construction of Hoang, Reyhanitabar, Rogaway and Vizár ("Online Authenticated-Encryption and
/// its Nonce-Reuse Misuse-Resistance", CRYPTO 2015), as `age` uses it: a chunk moved to another
/// place has the wrong counter, a file cut at a chunk boundary has no chunk marked last, and a
/// chunk from another file has the wrong prefix or context, so each fails to open.
///
/// ## Nonce prefixes
///
/// The 7-byte prefix is random, and all files share the keyring's long-lived key. Two files
/// would only repeat nonces if their prefixes collide: for *n* files sealed under one key that
/// chance is about n² / 2^57, below 2^-32 (NIST SP 800-38D's bound) up to some 5,000 files and
/// below one in a million up to some 380,000 — rotate the key well before a kiosk seals that
/// many files.
///
/// ## Blocking
///
/// ``Sealer/sealFile(atPath:toPath:context:)`` and ``Sealer/openFile(atPath:toPath:context:)`` read,
/// write and `fsync` synchronously; for files of many megabytes call them from a thread or
/// executor that may block, not from the cooperative pool (DESIGN decision 2).
///
/// Related documentation: [STREAM (ePrint 2015/189)](https://eprint.iacr.org/2015/189),
/// [age's payload format](https://age-encryption.org/v1),
/// [NIST SP 800-38D](https://csrc.nist.gov/pubs/sp/800/38/d/final).
extension Sealer {
    /// The plaintext size of every chunk but the last: 64 KiB.
    public static let fileChunkSize = 64 * 1024

    /// A sealed chunk: ciphertext and tag.
    static let sealedChunkSize = fileChunkSize + 16

    /// Version byte, key id, nonce prefix.
    static let fileHeaderSize = 1 + 16 + 7

    /// Authenticated-data label for file chunks; the context follows it.
    static let fileLabel = Data("kiosk-sealed-file-v1\u{0}".utf8)

    /// The nonce of chunk `index`.
    static func chunkNonce(prefix: Data, index: UInt32, last: Bool) -> AES.GCM.Nonce {
        var bytes = prefix
        withUnsafeBytes(of: index.bigEndian) { bytes.append(contentsOf: $0) }
        bytes.append(last ? 1 : 0)
        // 7 + 4 + 1 = 12 bytes, the size AES.GCM.Nonce takes.
        return try! AES.GCM.Nonce(data: bytes)
    }

    /// Seals the file at `source` into `destination`, chunk by chunk, with the current key.
    ///
    /// The sealed bytes go to `destination.partial`, created with mode 0600, which is synced to
    /// disk and then renamed to `destination` (and the folder synced), so `destination` is
    /// either complete or absent, also after a power cut. On failure the partial file is removed.
    ///
    /// - parameters:
    ///   - source: The plaintext file; it is read 64 KiB at a time.
    ///   - destination: Where the sealed file goes; an existing file there is replaced.
    ///   - context: What the file belongs to (e.g. the outbox item id and type); the same context
    ///     must be given when opening it.
    /// - returns: The key id and sizes, for the record the caller keeps.
    /// - throws: ``SealingError/io(path:operation:reason:)`` when reading, writing, syncing or
    ///   renaming fails; ``SealingError/sealedFileTooLarge(path:)`` beyond 2^32 chunks.
    @discardableResult
    public func sealFile(atPath source: String, toPath destination: String, context: String)
        throws(SealingError) -> SealedFileSummary
    {
        let current = keyring.entries[0]
        var generator = SystemRandomNumberGenerator()
        let prefix = Data((0..<7).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let associated = Self.authenticatedData(Self.fileLabel, context)

        let input: SealingFile
        do { input = try SealingFile.openForReading(source) } catch { throw error.sealingError(path: source) }
        defer { input.close() }

        return try Self.writeAtomically(to: destination) { output throws(SealingError) in
            var header = Data([Self.formatVersion])
            header.append(contentsOf: current.id.utf8)
            header.append(prefix)
            precondition(header.count == Self.fileHeaderSize, "key ids are 16 ASCII characters")
            try output.append(header)

            var plaintextBytes: Int64 = 0
            var index: UInt32 = 0
            var chunk = try input.read(upTo: Self.fileChunkSize, path: source)
            while true {
                // A full chunk is the last one only if nothing follows it, so read one ahead.
                let next = chunk.count == Self.fileChunkSize
                    ? try input.read(upTo: Self.fileChunkSize, path: source) : Data()
                let last = next.isEmpty
                let sealed: AES.GCM.SealedBox
                do {
                    sealed = try AES.GCM.seal(
                        chunk, using: current.key,
                        nonce: Self.chunkNonce(prefix: prefix, index: index, last: last),
                        authenticating: associated)
                } catch {
                    throw .cryptoFailure(reason: "\(error)")
                }
                try output.append(sealed.ciphertext)
                try output.append(sealed.tag)
                plaintextBytes += Int64(chunk.count)
                if last { break }
                guard index < UInt32.max else { throw .sealedFileTooLarge(path: source) }
                index += 1
                chunk = next
            }
            let chunks = Int(index) + 1
            return SealedFileSummary(
                keyId: current.id, chunks: chunks, plaintextBytes: plaintextBytes,
                sealedBytes: Int64(Self.fileHeaderSize) + plaintextBytes + Int64(16 * chunks))
        }
    }

    /// Opens the sealed file at `source` into the plaintext file `destination`.
    ///
    /// Like ``sealFile(atPath:toPath:context:)``, it writes `destination.partial` with mode 0600,
    /// syncs it and renames it, so `destination` only ever appears complete and authenticated:
    /// when any chunk fails, the partial file is removed and nothing is left behind.
    ///
    /// - throws: the errors of ``SealedFileReader``, and ``SealingError/io(path:operation:reason:)``
    ///   for the output.
    @discardableResult
    public func openFile(atPath source: String, toPath destination: String, context: String)
        throws(SealingError) -> SealedFileSummary
    {
        let reader = try SealedFileReader(path: source, sealer: self, context: context)
        defer { reader.close() }
        return try Self.writeAtomically(to: destination) { output throws(SealingError) in
            var plaintextBytes: Int64 = 0
            while let chunk = try reader.nextChunk() {
                try output.append(chunk)
                plaintextBytes += Int64(chunk.count)
            }
            return SealedFileSummary(
                keyId: reader.keyId, chunks: reader.chunksRead, plaintextBytes: plaintextBytes,
                sealedBytes: Int64(Self.fileHeaderSize) + plaintextBytes + Int64(16 * reader.chunksRead))
        }
    }

    /// The plaintext chunks of the sealed file at `path`, each authenticated before it is yielded,
    /// for streaming an upload body without a plaintext copy on disk.
    ///
    /// The file is opened on the first call to `next()`. A consumer that sends chunks on as they
    /// come will have sent the earlier ones before a damaged or truncated later chunk is found;
    /// the sequence then throws, and the consumer must abandon what it sent (an upload fails and
    /// is retried, the platform never sees a complete body).
    ///
    /// Each `next()` makes one blocking read of at most 64 KiB from a local file (the reader keeps
    /// one sealed chunk in hand to know which chunk is the last).
    public func openedChunks(ofFileAtPath path: String, context: String) -> SealedFileChunks {
        SealedFileChunks(path: path, sealer: self, context: context)
    }

    /// Runs `body` on `destination.partial`, then syncs and renames it to `destination`; removes
    /// the partial file if anything fails.
    private static func writeAtomically<T>(
        to destination: String, _ body: (SealingFile) throws(SealingError) -> T
    ) throws(SealingError) -> T {
        let partial = destination + ".partial"
        let output: SealingFile
        do { output = try SealingFile.createPrivate(partial) } catch { throw error.sealingError(path: partial) }
        do throws(SealingError) {
            let result = try body(output)
            do { try output.sync() } catch { throw error.sealingError(path: partial) }
            output.close()
            do { try SealingFile.rename(partial, to: destination) } catch { throw error.sealingError(path: destination) }
            return result
        } catch {
            output.close()
            SealingFile.removeIfPresent(partial)
            throw error
        }
    }
}

/// What ``Sealer/sealFile(atPath:toPath:context:)`` and ``Sealer/openFile(atPath:toPath:context:)``
/// processed.
public struct SealedFileSummary: Sendable, Hashable {
    /// The id of the key that sealed the file.
    public var keyId: String
    /// The number of chunks, at least 1 (an empty file has one empty final chunk).
    public var chunks: Int
    /// The size of the plaintext.
    public var plaintextBytes: Int64
    /// The size of the sealed file: header, plaintext and 16 bytes of tag per chunk.
    public var sealedBytes: Int64
}

/// Reads a file sealed by ``Sealer/sealFile(atPath:toPath:context:)`` one authenticated plaintext
/// chunk at a time.
///
/// The initializer reads the header and finds the key, so an unknown key or a file that is not a
/// sealed file is reported before any chunk. ``nextChunk()`` then returns each chunk's plaintext
/// only after its tag checked out, and returns nil only after the chunk marked last, with nothing
/// after it: a file cut short, reordered or edited throws instead.
///
/// The reader owns an open file descriptor, closed by ``close()`` or when the reader goes away.
/// It is not `Sendable`: use it from one task at a time.
public final class SealedFileReader {
    /// The sealed file.
    public let path: String
    /// The id of the key that sealed the file, from its header.
    public let keyId: String
    /// The number of chunks opened so far.
    public private(set) var chunksRead = 0
    /// The plaintext size the file's length implies, if it is a length a sealed file can have;
    /// for an upload's `Content-Length`. It is only confirmed once every chunk has opened.
    public let expectedPlaintextBytes: Int64?

    private let file: SealingFile
    private let key: SymmetricKey
    private let prefix: Data
    private let associatedData: Data
    /// The sealed chunk read but not yet opened; empty at the end of the file.
    private var pending: Data
    private var finished = false

    /// Opens the sealed file at `path` and reads its header.
    ///
    /// - throws: ``SealingError/io(path:operation:reason:)`` when the file cannot be read,
    ///   ``SealingError/sealedFileHeaderInvalid(path:reason:)`` or
    ///   ``SealingError/unknownFormatVersion(found:expected:)`` when it is not a sealed file,
    ///   ``SealingError/unknownKey(keyId:keyring:)`` when the keyring lacks its key.
    public init(path: String, sealer: Sealer, context: String) throws(SealingError) {
        self.path = path
        do { file = try SealingFile.openForReading(path) } catch { throw error.sealingError(path: path) }
        let header = try file.read(upTo: Sealer.fileHeaderSize, path: path)
        guard header.count == Sealer.fileHeaderSize else {
            throw .sealedFileHeaderInvalid(
                path: path, reason: "the file is \(header.count) bytes, shorter than the \(Sealer.fileHeaderSize)-byte header")
        }
        let bytes = [UInt8](header)
        guard bytes[0] == Sealer.formatVersion else {
            throw .unknownFormatVersion(found: bytes[0], expected: Sealer.formatVersion)
        }
        let idBytes = bytes[1...16]
        guard idBytes.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw .sealedFileHeaderInvalid(path: path, reason: "the key id is not 16 lower-case hex digits")
        }
        keyId = String(decoding: idBytes, as: UTF8.self)
        guard let key = sealer.keyring.key(id: keyId) else {
            throw .unknownKey(keyId: keyId, keyring: sealer.keyring.source)
        }
        self.key = key
        prefix = Data(bytes[17...])
        associatedData = Sealer.authenticatedData(Sealer.fileLabel, context)

        let size: Int64
        do { size = Int64(try file.status().st_size) } catch { throw error.sealingError(path: path) }
        expectedPlaintextBytes = Self.plaintextBytes(sealedFileSize: size)
        pending = try file.read(upTo: Sealer.sealedChunkSize, path: path)
    }

    /// The plaintext size of a well-formed sealed file of `size` bytes, or nil if no sealed file
    /// has that size.
    static func plaintextBytes(sealedFileSize size: Int64) -> Int64? {
        let body = size - Int64(Sealer.fileHeaderSize)
        guard body >= 16 else { return nil }
        let sealedChunk = Int64(Sealer.sealedChunkSize)
        let chunks = (body + sealedChunk - 1) / sealedChunk
        let lastChunk = body - (chunks - 1) * sealedChunk
        guard lastChunk >= 16 else { return nil }
        return body - 16 * chunks
    }

    /// The next chunk's plaintext, or nil after the final chunk.
    ///
    /// An empty file yields no chunk at all.
    ///
    /// - throws: ``SealingError/sealedFileTruncated(path:chunks:)`` when the file ends without a
    ///   final chunk, ``SealingError/sealedFileChunkFailed(path:chunk:keyId:)`` when a chunk does
    ///   not open (changed, moved, from another file, or a different key under the same id),
    ///   ``SealingError/sealedFileTrailingData(path:chunk:)`` when bytes follow the final chunk,
    ///   ``SealingError/io(path:operation:reason:)`` when reading fails.
    public func nextChunk() throws(SealingError) -> Data? {
        if finished { return nil }
        let index = chunksRead
        guard index <= Int(UInt32.max) else { throw .sealedFileTooLarge(path: path) }
        let sealed = pending
        guard !sealed.isEmpty else { throw .sealedFileTruncated(path: path, chunks: index) }
        guard sealed.count >= 16 else { throw .sealedFileChunkFailed(path: path, chunk: index, keyId: keyId) }

        // A full chunk is the last one only if the file ends after it, so read one ahead.
        let next = sealed.count == Sealer.sealedChunkSize
            ? try file.read(upTo: Sealer.sealedChunkSize, path: path) : Data()
        let last = next.isEmpty
        if let plaintext = open(sealed, index: index, last: last) {
            chunksRead += 1
            pending = next
            if last {
                finished = true
                file.close()
                if plaintext.isEmpty { return nil }
            }
            return plaintext
        }
        // Tell the operator what happened where the other flag explains it.
        if open(sealed, index: index, last: !last) != nil {
            throw last
                ? .sealedFileTruncated(path: path, chunks: index + 1)
                : .sealedFileTrailingData(path: path, chunk: index)
        }
        throw .sealedFileChunkFailed(path: path, chunk: index, keyId: keyId)
    }

    /// Closes the file; ``nextChunk()`` returns nil afterwards.
    public func close() {
        finished = true
        file.close()
    }

    private func open(_ sealed: Data, index: Int, last: Bool) -> Data? {
        let nonce = Sealer.chunkNonce(prefix: prefix, index: UInt32(index), last: last)
        guard let box = try? AES.GCM.SealedBox(
            nonce: nonce, ciphertext: sealed.dropLast(16), tag: sealed.suffix(16))
        else { return nil }
        return try? AES.GCM.open(box, using: key, authenticating: associatedData)
    }
}

@available(*, unavailable, message: "a SealedFileReader owns a file descriptor; use it from one task")
extension SealedFileReader: Sendable {}

/// The plaintext chunks of a sealed file as an `AsyncSequence`; see
/// ``Sealer/openedChunks(ofFileAtPath:context:)``.
public struct SealedFileChunks: AsyncSequence, Sendable {
    public typealias Element = Data
    public typealias Failure = SealingError

    let path: String
    let sealer: Sealer
    let context: String

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: path, sealer: sealer, context: context)
    }

    /// Opens the file on the first call and closes it after the last chunk or the first error.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        let sealer: Sealer
        let context: String
        private var reader: SealedFileReader?
        private var done = false

        init(path: String, sealer: Sealer, context: String) {
            self.path = path
            self.sealer = sealer
            self.context = context
        }

        public mutating func next() async throws(SealingError) -> Data? {
            try step()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(SealingError) -> Data? {
            try step()
        }

        private mutating func step() throws(SealingError) -> Data? {
            if done { return nil }
            do {
                if reader == nil { reader = try SealedFileReader(path: path, sealer: sealer, context: context) }
                if let chunk = try reader?.nextChunk() { return chunk }
            } catch {
                finish()
                throw error
            }
            finish()
            return nil
        }

        private mutating func finish() {
            done = true
            reader?.close()
            reader = nil
        }
    }
}

extension SealingFile {
    /// ``read(upTo:)`` with its failure worded for `path`.
    func read(upTo count: Int, path: String) throws(SealingError) -> Data {
        do { return try read(upTo: count) } catch { throw error.sealingError(path: path) }
    }

    /// ``write(_:)`` with its failure worded for this file's path.
    func append(_ data: some DataProtocol) throws(SealingError) {
        do { try write(data) } catch { throw error.sealingError(path: path) }
    }
}
