import DeviceKit

/// Why bytes on the line were not a frame. The decoder reports these and carries on: it skips one
/// byte past the false start and looks for the next preamble.
public enum GA467FrameError: Error, Sendable, Equatable {
    /// The length field is outside what the protocol allows.
    case badLength(Int)
    /// The checksum byte does not match the XOR of the frame.
    case badChecksum(expected: UInt8, received: UInt8)

    public var deviceError: DeviceError {
        switch self {
        case .badLength(let length):
            DeviceError(code: .ga467FrameLength, action: .retry, detail: "a frame from the reader had length \(length)")
        case .badChecksum(let expected, let received):
            DeviceError(code: .ga467FrameChecksum, action: .retry,
                        detail: "a frame from the reader had checksum \(hex(received)), expected \(hex(expected))")
        }
    }
}

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

/// Finds GA 467 frames in a byte stream, as a value type that performs no I/O (the swift-nio style
/// of state machine): the caller ``feed(_:)``s what the line delivered and asks ``next()`` until it
/// says ``Action/needMoreData``.
///
/// Garbage between frames is skipped and counted. A false start (a preamble inside garbage, a length
/// out of range, a checksum that does not match) is reported once as an error, and the search
/// resumes one byte after the false preamble, so a real frame that follows is still found.
public struct GA467FrameDecoder: Sendable {
    public enum Action: Sendable, Equatable {
        case frame(GA467Frame)
        case error(GA467FrameError)
        case needMoreData
    }

    /// The smallest length field: two body bytes (a command and its parameter, or less than a status
    /// word) and the checksum.
    public static let minimumLength = 3
    /// The largest answer a SAM gives is a read with fingerprints: 3 + 6 + 256 + 1024 + 1024 + 1.
    public static let defaultMaximumLength = 2400

    public let maximumLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes thrown away while looking for a preamble.
    public private(set) var discardedBytes = 0

    public init(maximumLength: Int = defaultMaximumLength) {
        self.maximumLength = max(Self.minimumLength, maximumLength)
    }

    /// Whether bytes of an unfinished frame (a preamble at least) are waiting.
    public var hasPartialFrame: Bool {
        guard let index = preambleIndex() else { return false }
        return buffer.count - index >= GA467Frame.preamble.count
    }

    /// Bytes held, not yet decoded.
    public var bufferedCount: Int { buffer.count - start }

    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Forgets everything held, e.g. before a new command.
    public mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        start = 0
    }

    public mutating func next() -> Action {
        guard let index = preambleIndex() else {
            // Keep a tail that may be the beginning of a preamble.
            let keep = min(GA467Frame.preamble.count - 1, buffer.count - start)
            let drop = buffer.count - start - keep
            discardedBytes += drop
            start += drop
            return .needMoreData
        }
        discardedBytes += index - start
        start = index
        guard buffer.count - start >= GA467Frame.headerCount else { return .needMoreData }
        let high = buffer[start + 5], low = buffer[start + 6]
        let length = Int(high) << 8 | Int(low)
        guard length >= Self.minimumLength, length <= maximumLength else {
            start += 1
            discardedBytes += 1
            return .error(.badLength(length))
        }
        let end = start + GA467Frame.headerCount + length
        guard buffer.count >= end else { return .needMoreData }
        let body = buffer[(start + GA467Frame.headerCount)..<(end - 1)]
        let expected = GA467Frame.checksum(lengthHigh: high, lengthLow: low, body: body)
        let received = buffer[end - 1]
        guard expected == received else {
            start += 1
            discardedBytes += 1
            return .error(.badChecksum(expected: expected, received: received))
        }
        let frame = GA467Frame(body: Array(body))
        start = end
        return .frame(frame)
    }

    /// Where the next full or partial preamble starts; a partial one only at the very end.
    private func preambleIndex() -> Int? {
        let preamble = GA467Frame.preamble
        var index = start
        while index < buffer.count {
            var matched = 0
            while matched < preamble.count, index + matched < buffer.count, buffer[index + matched] == preamble[matched] {
                matched += 1
            }
            if matched == preamble.count || index + matched == buffer.count { return index }
            index += 1
        }
        return nil
    }
}
