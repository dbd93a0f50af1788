import DeviceKit

/// The key derivation of ICAO Doc 9303 Part 11 §9.7.1 (Appendix D.1): a seed from SHA-1, then
/// 3DES keys from SHA-1 of seed ‖ counter with DES parity bits set.
public enum KeyDerivation {
    public enum Purpose: UInt8, Sendable { case encryption = 1, mac = 2 }

    /// The 16-byte key seed from the MRZ information: the first 16 bytes of its SHA-1.
    public static func seed(mrzInformation: String) -> [UInt8] {
        Array(DigestAlgorithm.sha1.hash(Array(mrzInformation.utf8)).prefix(16))
    }

    /// K = Ka ‖ Kb from SHA-1(seed ‖ 00 00 00 counter), each half with odd parity per byte.
    public static func key(seed: [UInt8], purpose: Purpose) -> [UInt8] {
        let digest = DigestAlgorithm.sha1.hash(seed + [0, 0, 0, purpose.rawValue])
        return digest.prefix(16).map(withOddParity)
    }

    /// The byte with its lowest bit set so that it has an odd number of ones (DES parity).
    static func withOddParity(_ byte: UInt8) -> UInt8 {
        let high = byte & 0xFE
        return high.nonzeroBitCount % 2 == 0 ? high | 1 : high
    }
}

/// The document basic access keys Kenc and Kmac, derived from the MRZ (Doc 9303 Part 11 §4.3.2).
public struct BACKeys: Sendable, Equatable {
    public let encryption: [UInt8]
    public let mac: [UInt8]

    public init(seed: [UInt8]) {
        encryption = KeyDerivation.key(seed: seed, purpose: .encryption)
        mac = KeyDerivation.key(seed: seed, purpose: .mac)
    }

    public init(accessKey: DocumentAccessKey) {
        self.init(seed: KeyDerivation.seed(mrzInformation: accessKey.mrzInformation))
    }
}

/// The secure-messaging session keys and the send sequence counter that BAC ends with.
public struct SessionKeys: Sendable, Equatable {
    public let encryption: [UInt8]
    public let mac: [UInt8]
    /// The initial send sequence counter: the low four bytes of RND.IC then of RND.IFD.
    public let initialSSC: [UInt8]

    public init(encryption: [UInt8], mac: [UInt8], initialSSC: [UInt8]) {
        self.encryption = encryption
        self.mac = mac
        self.initialSSC = initialSSC
    }

    /// From K.IFD ⊕ K.IC and both challenges.
    public init(kIFD: [UInt8], kIC: [UInt8], rndIC: [UInt8], rndIFD: [UInt8]) {
        let seed = zip(kIFD, kIC).map { $0 ^ $1 }
        encryption = KeyDerivation.key(seed: seed, purpose: .encryption)
        mac = KeyDerivation.key(seed: seed, purpose: .mac)
        initialSSC = Array(rndIC.suffix(4)) + Array(rndIFD.suffix(4))
    }
}
