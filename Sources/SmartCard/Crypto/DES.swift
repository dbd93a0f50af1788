import CLibCrypto

/// DES and two-key triple DES (DES-EDE) through libcrypto's EVP interface, for ICAO 9303 BAC and
/// secure messaging (Doc 9303 Part 11 §9.8). Keys are 8 bytes (single DES) or 16 bytes (K1‖K2,
/// used as K1‖K2‖K1). All data must be whole 8-byte blocks; padding is the caller's.
public enum DES {
    public static let blockSize = 8

    public enum Direction: Sendable { case encrypt, decrypt }

    /// Triple-DES in CBC mode.
    public static func cbc(_ direction: Direction, key: [UInt8], iv: [UInt8] = [UInt8](repeating: 0, count: 8),
                           data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try run(cipher: EVP_des_ede3_cbc(), direction, key: expand(key), iv: iv, data: data)
    }

    /// Triple-DES (or single DES with an 8-byte key) in ECB mode.
    public static func ecb(_ direction: Direction, key: [UInt8], data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try run(cipher: EVP_des_ede3_ecb(), direction, key: expand(key), iv: nil, data: data)
    }

    /// The 24-byte EDE3 key for a 16-byte (K1‖K2‖K1) or 8-byte (K‖K‖K, which is single DES) key.
    static func expand(_ key: [UInt8]) throws(CryptoError) -> [UInt8] {
        switch key.count {
        case 8: return key + key + key
        case 16: return key + key[0..<8]
        case 24: return key
        default: throw .badKeyLength(key.count)
        }
    }

    private static func run(cipher: OpaquePointer?, _ direction: Direction, key: [UInt8], iv: [UInt8]?,
                            data: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard data.count % blockSize == 0 else { throw .notBlockAligned(data.count) }
        if let iv, iv.count != blockSize { throw .badIVLength(iv.count) }
        guard let context = EVP_CIPHER_CTX_new() else { throw .library("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(context) }
        let encrypt: Int32 = direction == .encrypt ? 1 : 0
        let initialised = key.withUnsafeBufferPointer { keyPointer in
            if let iv {
                return iv.withUnsafeBufferPointer { ivPointer in
                    EVP_CipherInit_ex(context, cipher, nil, keyPointer.baseAddress, ivPointer.baseAddress, encrypt)
                }
            }
            return EVP_CipherInit_ex(context, cipher, nil, keyPointer.baseAddress, nil, encrypt)
        }
        guard initialised == 1 else { throw .library("EVP_CipherInit_ex") }
        EVP_CIPHER_CTX_set_padding(context, 0)
        guard !data.isEmpty else { return [] }
        var output = [UInt8](repeating: 0, count: data.count + blockSize)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                EVP_CipherUpdate(context, out.baseAddress, &written, input.baseAddress, Int32(input.count)) == 1
                    && EVP_CipherFinal_ex(context, out.baseAddress! + Int(written), &final) == 1
            }
        }
        guard ok else { throw .library("EVP_CipherUpdate") }
        return Array(output.prefix(Int(written + final)))
    }
}

/// ISO/IEC 9797-1 MAC algorithm 3 with DES ("retail MAC"), padding method 2, as ICAO 9303 uses for
/// BAC and secure messaging: CBC with single DES under K1 over all blocks, then the last block
/// decrypted under K2 and encrypted under K1 again.
public enum RetailMAC {
    public static func mac(key: [UInt8], data: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == 16 else { throw .badKeyLength(key.count) }
        let padded = Padding.iso9797Method2(data)
        let k1 = Array(key[0..<8])
        // CBC under K1 alone; its last block is the chaining value H_n.
        let chain = try DES.cbc(.encrypt, key: k1, data: padded)
        let last = Array(chain.suffix(8))
        let decrypted = try DES.ecb(.decrypt, key: Array(key[8..<16]), data: last)
        return try DES.ecb(.encrypt, key: k1, data: decrypted)
    }
}

/// ISO/IEC 9797-1 padding method 2: `80` then zeros up to a whole block (always at least one byte).
public enum Padding {
    public static func iso9797Method2(_ data: [UInt8], blockSize: Int = 8) -> [UInt8] {
        var padded = data + [0x80]
        while padded.count % blockSize != 0 { padded.append(0) }
        return padded
    }

    /// Removes method-2 padding; `nil` when it is not there.
    public static func removeISO9797Method2(_ data: [UInt8]) -> [UInt8]? {
        guard let marker = data.lastIndex(where: { $0 != 0 }), data[marker] == 0x80,
              data.count - marker <= 8 else { return nil }
        return Array(data[..<marker])
    }
}

/// A failure in the cryptographic layer: wrong key or data sizes, or libcrypto refusing.
public enum CryptoError: Error, Sendable, Equatable {
    case badKeyLength(Int)
    case badIVLength(Int)
    case notBlockAligned(Int)
    case library(String)
}
