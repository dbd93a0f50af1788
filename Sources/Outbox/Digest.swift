import Crypto
import Foundation

/// The SHA-256 of `data` as 64 lower-case hex digits, the form documents are named by in the
/// store and in the platform API (`GET /v1/documents/{sha256}`). swift-crypto does the hashing.
public func sha256Hex(_ data: some DataProtocol) -> String {
    SHA256.hash(data: data).map { byte in
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }.joined()
}
