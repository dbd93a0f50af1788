import DeviceKit
import SmartCard

/// The document the emulator serves: an MRZ, a face image, and the LDS files built from them
/// (EF.COM, DG1, DG2, EF.SOD with SHA-256 hashes). The default is the specimen of ICAO Doc 9303
/// (Utopia, ERIKSSON ANNA MARIA), which is nobody's real passport.
public struct TestPassport: Sendable {
    /// The MRZ without line breaks (88 characters for TD3).
    public let mrz: String
    public let accessKey: DocumentAccessKey
    public let files: [LDSFile: [UInt8]]

    public static let specimenMRZ = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
        + "L898902C36UTO7408122F1204159ZE184226B<<<<<10"

    public init(mrz: String = TestPassport.specimenMRZ, face: [UInt8] = TinyJPEG.grey8x8,
                faceFormat: Identity.Photo.Format = .jpeg) throws(MRZError) {
        self.mrz = mrz
        accessKey = try MachineReadableZone.parse(mrz).accessKey
        let dg1 = DataGroup1.encode(mrz: mrz)
        let dg2 = DataGroup2.encode(image: face, format: faceFormat, width: 8, height: 8)
        files = [
            .com: EFCOM(ldsVersion: "0107", unicodeVersion: "040000", dataGroups: [1, 2]).encoded,
            .dataGroup(1): dg1,
            .dataGroup(2): dg2,
            .sod: SecurityObject.encode(dataGroups: [1: dg1, 2: dg2]),
        ]
    }

    /// The same document with some files replaced (tests of tampered or malformed files).
    public init(replacing files: [LDSFile: [UInt8]], of passport: TestPassport) {
        mrz = passport.mrz
        accessKey = passport.accessKey
        self.files = passport.files.merging(files) { $1 }
    }
}

/// A real, tiny JPEG: one 8×8 block of mid grey, baseline, greyscale, with the smallest Huffman
/// tables that can code it (DC category 0, AC end-of-block). Any JPEG decoder shows it.
public enum TinyJPEG {
    public static let grey8x8: [UInt8] = {
        var bytes: [UInt8] = [0xFF, 0xD8]
        // APP0 JFIF 1.1, no thumbnail.
        bytes += [0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        // DQT: table 0, all ones.
        bytes += [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        // SOF0: 8 bits, 8×8, one component (id 1, 1×1 sampling, table 0).
        bytes += [0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]
        // DHT: DC table 0 and AC table 0, each one code of length 1 for symbol 00.
        for tableClass: UInt8 in [0x00, 0x10] {
            bytes += [0xFF, 0xC4, 0x00, 0x14, tableClass, 0x01] + [UInt8](repeating: 0, count: 15) + [0x00]
        }
        // SOS: component 1 with tables 0/0, spectral 0–63.
        bytes += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
        // DC difference 0 (code 0), end of block (code 0), padded with ones.
        bytes += [0x3F]
        bytes += [0xFF, 0xD9]
        return bytes
    }()
}
