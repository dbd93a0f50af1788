import CLibCrypto

/// Message digests through libcrypto: SHA-1 for BAC key derivation, and the SHA-2 family that
/// EF.SOD names for data-group hashes.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha1, sha224, sha256, sha384, sha512

    /// The algorithm's object identifier, DER content octets (RFC 3279, RFC 5758).
    public var oid: [UInt8] {
        switch self {
        case .sha1: [0x2B, 0x0E, 0x03, 0x02, 0x1A]
        case .sha224: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04]
        case .sha256: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]
        case .sha384: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02]
        case .sha512: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03]
        }
    }

    public init?(oid: [UInt8]) {
        guard let found = Self.allCases.first(where: { $0.oid == oid }) else { return nil }
        self = found
    }

    private var evp: OpaquePointer? {
        switch self {
        case .sha1: EVP_sha1()
        case .sha224: EVP_sha224()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }

    public func hash(_ data: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 64)
        var length: UInt32 = 0
        let ok = data.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, evp, nil)
            }
        }
        // EVP_Digest fails only when out of memory; an empty digest then matches nothing.
        guard ok == 1 else { return [] }
        return Array(output.prefix(Int(length)))
    }
}
