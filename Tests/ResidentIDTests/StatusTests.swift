import DeviceKit
import ResidentID
import Testing

@Suite struct StatusTests {
    /// Every status byte of the issue, with the action it must recommend.
    static let expected: [(UInt8, RecommendedAction)] = [
        (0x90, .none), (0x91, .none), (0x9F, .none), (0x10, .retry), (0x11, .retry), (0x21, .reset), (0x23, .retry),
        (0x24, .reset), (0x31, .retry), (0x32, .retry), (0x33, .retry), (0x37, .retry), (0x3F, .retry), (0x40, .retry),
        (0x41, .retry), (0x47, .retry), (0x60, .maintenance), (0x66, .maintenance), (0x80, .retry), (0x81, .retry),
    ]

    @Test func everyStatusOfTheIssueHasATypedError() throws {
        #expect(GA467Status.allCases.count == Self.expected.count)
        var codes: Set<DeviceErrorCode> = []
        for (byte, action) in Self.expected {
            let status = try #require(GA467Status(rawValue: byte))
            let error = status.error
            #expect(error.action == action, "status \(byte)")
            #expect(error.code.rawValue.hasPrefix("ga467-"))
            #expect(error.code.rawValue.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(error.code) is kebab-case")
            #expect(error.detail.contains("SW3"))
            codes.insert(error.code)
        }
        #expect(codes.count == Self.expected.count, "codes are distinct")
    }

    @Test func stableCodes() {
        #expect(GA467Status.readFailed.error.code == .ga467ReadFailed)
        #expect(GA467Status.samSelfTestFailed.error.code == .ga467SAMSelfTestFailed)
        #expect(GA467Status.samNotAuthorized.error.code == .ga467SAMNotAuthorized)
        #expect(GA467Status.cardNotFound.error.code == .ga467CardNotFound)
        #expect(GA467Status.wrongCard.error.code == .ga467WrongCard)
    }

    @Test func successDataOrTheStatusError() throws {
        #expect(try GA467Response(sw3: 0x90, data: [1, 2]).successData() == [1, 2])
        #expect(try GA467Response(sw3: 0x9F, data: [0]).successData() == [0])
        do {
            _ = try GA467Response(sw3: 0x41).successData()
            Issue.record("41 passed")
        } catch {
            #expect(error.code == .ga467ReadFailed)
        }
        do {
            _ = try GA467Response(sw3: 0x55).successData()
            Issue.record("55 passed")
        } catch {
            #expect(error.code == .ga467UnknownStatus)
            #expect(error.action == .reset)
        }
    }
}
