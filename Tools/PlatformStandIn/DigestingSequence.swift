import Crypto
import NIOCore
import Synchronization

/// Passes a request body through unchanged while hashing it with SHA-256 and counting its bytes,
/// so an upload is written to disk and verified in one pass, never held in memory whole.
///
/// Throws ``BodyTooLarge`` as soon as more than `limit` bytes have come.
struct DigestingSequence<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let digest: RunningDigest
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let digest: RunningDigest
        let limit: Int

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            try digest.add(buffer, limit: limit)
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), digest: digest, limit: limit)
    }
}

/// A streamed body passed its size limit.
struct BodyTooLarge: Error {}

/// A SHA-256 computed piece by piece, read once all pieces are in.
final class RunningDigest: Sendable {
    private struct State {
        var hasher = SHA256()
        var count = 0
        var exceeded = false
    }

    private let state = Mutex(State())

    /// Bytes hashed so far.
    var byteCount: Int { state.withLock { $0.count } }

    /// Whether more bytes came than the limit allowed. Checked after the write, because the
    /// file writer wraps the sequence's error in its own.
    var exceededLimit: Bool { state.withLock { $0.exceeded } }

    func add(_ buffer: ByteBuffer, limit: Int) throws {
        try state.withLock { state in
            state.count += buffer.readableBytes
            guard state.count <= limit else {
                state.exceeded = true
                throw BodyTooLarge()
            }
            buffer.withUnsafeReadableBytes { state.hasher.update(bufferPointer: $0) }
        }
    }

    /// The digest as 64 lower-case hex digits.
    func finalize() -> String {
        let digest = state.withLock { $0.hasher.finalize() }
        return digest.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }
}
