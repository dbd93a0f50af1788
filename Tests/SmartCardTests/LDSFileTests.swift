import CardEmulator
import DeviceKit
import SmartCard
import Testing

@Suite struct LDSFileTests {
    @Test func dg2GivesTheImageAndItsFormat() throws {
        let jpeg = try DataGroup2(bytes: DataGroup2.encode(image: TinyJPEG.grey8x8, format: .jpeg, width: 8, height: 8))
        #expect(jpeg.format == .jpeg)
        #expect(jpeg.image == TinyJPEG.grey8x8)
        #expect(jpeg.width == 8 && jpeg.height == 8)
        let codestream: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29]
        let j2k = try DataGroup2(bytes: DataGroup2.encode(image: codestream, format: .jpeg2000, width: 120, height: 160))
        #expect(j2k.format == .jpeg2000)
        #expect(j2k.image == codestream)
        #expect(j2k.width == 120 && j2k.height == 160)
    }

    @Test func dg2WhoseImageIsNotWhatItSaysIsRefused() {
        let bytes = DataGroup2.encode(image: [0x00, 0x01, 0x02], format: .jpeg, width: 1, height: 1)
        #expect(throws: EMRTDError.malformed(file: "DG2", reason: "JPEG without its SOI marker")) { try DataGroup2(bytes: bytes) }
        #expect(throws: EMRTDError.self) { try DataGroup2(bytes: Array(bytes.dropLast(10))) }
        #expect(throws: EMRTDError.self) { try DataGroup2(bytes: [0x75, 0x00]) }
    }

    @Test func sodHashesCheckEachDataGroup() throws {
        let dg1 = DataGroup1.encode(mrz: TestPassport.specimenMRZ)
        for algorithm in DigestAlgorithm.allCases {
            let sod = try SecurityObject(bytes: SecurityObject.encode(dataGroups: [1: dg1, 2: [0x75, 0x00]], algorithm: algorithm))
            #expect(sod.hashAlgorithm == algorithm)
            #expect(Set(sod.dataGroupHashes.keys) == [1, 2])
            try sod.verify(dataGroup: 1, contents: dg1)
            #expect(throws: EMRTDError.hashMismatch(dataGroup: 1)) { try sod.verify(dataGroup: 1, contents: dg1 + [0]) }
            #expect(throws: EMRTDError.self) { try sod.verify(dataGroup: 3, contents: []) }
        }
        #expect(DigestAlgorithm.sha256.hash(Array("abc".utf8)) == hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"))
    }

    @Test func malformedSODIsATypedError() {
        let good = SecurityObject.encode(dataGroups: [1: [0x61, 0x00]])
        #expect(throws: EMRTDError.self) { try SecurityObject(bytes: Array(good.dropLast())) }
        #expect(throws: EMRTDError.self) { try SecurityObject(bytes: [0x77, 0x02, 0x30, 0x00]) }
        var wrongOID = good
        if let index = wrongOID.firstIndex(of: 0xF7) { wrongOID[index] = 0xF6 }
        #expect(throws: EMRTDError.malformed(file: "EF.SOD", reason: "not CMS SignedData")) { try SecurityObject(bytes: wrongOID) }
    }

    @Test func dg1WithABadCheckDigitIsAnMRZError() {
        let bytes = DataGroup1.encode(mrz: TestPassport.specimenMRZ.replacingOccurrences(of: "7408122", with: "7408123"))
        #expect(throws: EMRTDError.mrz(.checkDigit(field: .birthDate))) { try DataGroup1(bytes: bytes) }
    }

    @Test func efCOMRoundTrips() throws {
        let com = EFCOM(ldsVersion: "0107", unicodeVersion: "040000", dataGroups: [1, 2, 11, 14])
        #expect(try EFCOM(bytes: com.encoded) == com)
        #expect(throws: EMRTDError.self) { try EFCOM(bytes: [0x60, 0x03, 0x5C, 0x01, 0x99]) }
    }

    @Test func tinyJPEGIsAWellFormedJPEG() {
        let jpeg = TinyJPEG.grey8x8
        #expect(Array(jpeg.prefix(2)) == [0xFF, 0xD8])
        #expect(Array(jpeg.suffix(2)) == [0xFF, 0xD9])
        // Markers in order: APP0, DQT, SOF0, DHT, DHT, SOS.
        var markers: [UInt8] = []
        var index = 2
        while index + 4 <= jpeg.count, jpeg[index] == 0xFF, jpeg[index + 1] != 0xD9 {
            markers.append(jpeg[index + 1])
            if jpeg[index + 1] == 0xDA { break }
            index += 2 + (Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3]))
        }
        #expect(markers == [0xE0, 0xDB, 0xC0, 0xC4, 0xC4, 0xDA])
    }
}

@Suite struct PCSCDriverFactoryTests {
    let entry = CatalogEntry(model: "generic-pcsc-reader", name: "Any PC/SC reader", category: .identityReader, driver: .pcsc,
                             quirks: ["reader-name-contains": .text("ACS")], source: "Devices/generic-pcsc-reader.yaml")

    @Test func theConnectionKeyOverridesTheQuirk() throws {
        let device = try PCSCDriverFactory().makeDevice(for: entry, id: "passport", connection: DeviceConnection(["reader": "Virtual PCD 00 01"]))
        let reader = try #require(device as? PCSCIdentityReader)
        #expect(reader.readerNameContains == "Virtual PCD 00 01")
        #expect(reader.category == .identityReader)
        let fallback = try #require(try PCSCDriverFactory().makeDevice(for: entry, id: "passport", connection: DeviceConnection()) as? PCSCIdentityReader)
        #expect(fallback.readerNameContains == "ACS")
    }

    @Test func badSettingsAreConfigurationErrors() {
        let factory = PCSCDriverFactory()
        for (candidate, connection, key) in [
            (entry, DeviceConnection(["reader": ""]), "connection.reader"),
            (entry, DeviceConnection(["device": "/dev/ttyUSB0"]), "connection.device"),
            (CatalogEntry(model: "x", name: "x", category: .identityReader, driver: .pcsc, quirks: ["reader-name-contains": .number(3)], source: "Devices/x.yaml"),
             DeviceConnection(), "quirks.reader-name-contains"),
            (CatalogEntry(model: "x", name: "x", category: .printer, driver: .pcsc, source: "Devices/x.yaml"), DeviceConnection(), "printer"),
        ] {
            do {
                _ = try factory.makeDevice(for: candidate, id: "passport", connection: connection)
                Issue.record("accepted \(key)")
            } catch {
                #expect(error.action == .configuration)
                #expect(error.detail.contains(key))
            }
        }
    }

    @Test func everyErrorCodeHasACitizenMessage() {
        let errors: [EMRTDError] = [.accessDenied, .chipAuthenticationFailed, .secureMessaging("x"), .status(.fileNotFound, command: "x"),
                                    .fileNotFound("eMRTD application"), .fileNotFound("DG2"), .malformed(file: "DG1", reason: "x"),
                                    .fileTooLarge(file: "DG2", size: 1), .hashMismatch(dataGroup: 1), .mrz(.checkDigit(field: .composite)),
                                    .crypto(.badKeyLength(1)), .protocolViolation("x"), .transport(.cardRemoved), .transport(.serviceUnavailable),
                                    .transport(.timeout)]
        for error in errors {
            let deviceError = SmartCardErrors.deviceError(error, reader: "r1")
            #expect(SmartCardErrors.citizenMessage(for: deviceError.code) != nil, "\(deviceError.code)")
            #expect(deviceError.code.rawValue.allSatisfy { $0.isLowercase || $0 == "-" })
        }
    }
}
