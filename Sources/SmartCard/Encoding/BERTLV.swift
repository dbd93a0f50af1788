/// A BER-TLV data object (ISO/IEC 7816-4 §5.2, the encoding of every ICAO 9303 file and of
/// secure-messaging objects). Parsing is strict: a tag, length or value that runs past the input,
/// indefinite lengths and lengths over four bytes are typed errors, never a crash.
public struct BERTLV: Sendable, Equatable {
    public var tag: BERTag
    public var value: [UInt8]

    public init(tag: BERTag, value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    /// A constructed object holding `children` in order.
    public init(tag: BERTag, children: [BERTLV]) {
        self.tag = tag
        self.value = children.flatMap(\.encoded)
    }

    /// How deep ``parseTree`` descends; deeper nesting is refused (no ICAO file nests beyond ten).
    public static let maximumDepth = 32

    // MARK: Parsing

    /// Exactly one object filling `bytes`.
    public static func parse(_ bytes: [UInt8]) throws(BERTLVError) -> BERTLV {
        var reader = BERReader(bytes[...])
        let object = try reader.next()
        guard reader.isAtEnd else { throw .trailingBytes(count: reader.remaining) }
        return object
    }

    /// Every object in `bytes`, one after another, with nothing left over.
    public static func parseAll(_ bytes: ArraySlice<UInt8>) throws(BERTLVError) -> [BERTLV] {
        var reader = BERReader(bytes)
        var objects: [BERTLV] = []
        while !reader.isAtEnd { objects.append(try reader.next()) }
        return objects
    }

    /// The first object of `bytes` and how many bytes it took; what follows is left alone (a file's
    /// padding, or the rest of a partly read file).
    public static func parsePrefix(_ bytes: ArraySlice<UInt8>) throws(BERTLVError) -> (object: BERTLV, length: Int) {
        var reader = BERReader(bytes)
        let object = try reader.next()
        return (object, bytes.count - reader.remaining)
    }

    /// The header alone (tag and length) from the first bytes of an object: how long the whole
    /// object is, so a file can be read in chunks of the right total size.
    public static func header(_ bytes: ArraySlice<UInt8>) throws(BERTLVError) -> (tag: BERTag, headerLength: Int, valueLength: Int) {
        var reader = BERReader(bytes)
        let tag = try reader.readTag()
        let length = try reader.readLength()
        return (tag, bytes.count - reader.remaining, length)
    }

    /// The objects inside a constructed object.
    public func children() throws(BERTLVError) -> [BERTLV] {
        guard tag.isConstructed else { throw .notConstructed(tag) }
        return try Self.parseAll(value[...])
    }

    /// The first child with `tag`, or a typed error naming it.
    public func child(_ tag: BERTag) throws(BERTLVError) -> BERTLV {
        guard let found = try children().first(where: { $0.tag == tag }) else { throw .missingTag(tag) }
        return found
    }

    /// Checks that the whole tree parses, down to ``maximumDepth``, and returns how many objects it
    /// holds. For untrusted input that is walked later.
    @discardableResult
    public func parseTree(depth: Int = 0) throws(BERTLVError) -> Int {
        guard depth < Self.maximumDepth else { throw .tooDeep }
        guard tag.isConstructed else { return 1 }
        var count = 1
        for child in try children() { count += try child.parseTree(depth: depth + 1) }
        return count
    }

    // MARK: Encoding

    /// The object's bytes: tag, minimal definite length, value.
    public var encoded: [UInt8] { tag.bytes + Self.encodeLength(value.count) + value }

    /// A definite length in its shortest form.
    public static func encodeLength(_ length: Int) -> [UInt8] {
        precondition(length >= 0, "negative length")
        if length < 0x80 { return [UInt8(length)] }
        var bytes: [UInt8] = []
        var rest = length
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}

/// A BER tag (ISO/IEC 8825-1 §8.1.2): one byte, or a first byte with the low five bits set followed
/// by bytes with bit 8 set on all but the last. Kept as its bytes read big-endian, e.g. `0x5F1F`.
public struct BERTag: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let rawValue: UInt32

    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    public var bytes: [UInt8] {
        var bytes: [UInt8] = []
        var rest = rawValue
        repeat {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        } while rest > 0
        return bytes
    }

    /// Bit 6 of the first byte.
    public var isConstructed: Bool { (bytes[0] & 0x20) != 0 }

    public var description: String {
        bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
    }
}

/// Why bytes are not a valid BER-TLV object.
public enum BERTLVError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncatedTag
    /// Tags longer than four bytes are not used by any standard this module reads.
    case tagTooLong
    case truncatedLength
    /// `80`: indefinite length, which DER and ISO 7816 objects do not use.
    case indefiniteLength
    /// A length field of more than four bytes, or one over `Int32.max`.
    case lengthTooLong
    case truncatedValue(expected: Int, available: Int)
    case trailingBytes(count: Int)
    case notConstructed(BERTag)
    case missingTag(BERTag)
    case unexpectedTag(expected: BERTag, found: BERTag)
    case tooDeep

    public var description: String {
        switch self {
        case .truncatedTag: "tag runs past the end"
        case .tagTooLong: "tag longer than four bytes"
        case .truncatedLength: "length runs past the end"
        case .indefiniteLength: "indefinite length"
        case .lengthTooLong: "length field too long"
        case .truncatedValue(let expected, let available): "value of \(expected) bytes but only \(available) left"
        case .trailingBytes(let count): "\(count) bytes after the object"
        case .notConstructed(let tag): "tag \(tag) is primitive"
        case .missingTag(let tag): "tag \(tag) missing"
        case .unexpectedTag(let expected, let found): "expected tag \(expected), found \(found)"
        case .tooDeep: "nested deeper than \(BERTLV.maximumDepth)"
        }
    }
}

/// Reads objects off the front of a slice.
struct BERReader {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }
    var remaining: Int { bytes.count }

    mutating func next() throws(BERTLVError) -> BERTLV {
        let tag = try readTag()
        let length = try readLength()
        guard length <= bytes.count else { throw .truncatedValue(expected: length, available: bytes.count) }
        let value = Array(bytes.prefix(length))
        bytes = bytes.dropFirst(length)
        return BERTLV(tag: tag, value: value)
    }

    mutating func readTag() throws(BERTLVError) -> BERTag {
        guard let first = bytes.popFirst() else { throw .truncatedTag }
        var raw = UInt32(first)
        guard first & 0x1F == 0x1F else { return BERTag(raw) }
        var count = 1
        while true {
            guard let byte = bytes.popFirst() else { throw .truncatedTag }
            count += 1
            guard count <= 4 else { throw .tagTooLong }
            raw = raw << 8 | UInt32(byte)
            if byte & 0x80 == 0 { break }
        }
        return BERTag(raw)
    }

    mutating func readLength() throws(BERTLVError) -> Int {
        guard let first = bytes.popFirst() else { throw .truncatedLength }
        if first < 0x80 { return Int(first) }
        if first == 0x80 { throw .indefiniteLength }
        let count = Int(first & 0x7F)
        guard count <= 4 else { throw .lengthTooLong }
        guard bytes.count >= count else { throw .truncatedLength }
        var length = 0
        for _ in 0..<count { length = length << 8 | Int(bytes.removeFirst()) }
        guard length <= Int(Int32.max) else { throw .lengthTooLong }
        return length
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
