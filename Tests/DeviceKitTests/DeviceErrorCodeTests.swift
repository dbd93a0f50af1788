import DeviceKit
import Foundation
import Testing

/// The codes and reasons every module shares: defined once in DeviceKit, and on the wire (control
/// socket, remote window, logs, outbox payloads, the probes' JSON) as the same kebab-case words as
/// the strings they replaced.
@Suite struct DeviceErrorCodeTests {
    static func isKebabCase(_ word: String) -> Bool {
        word.wholeMatch(of: /[a-z0-9]+(-[a-z0-9]+)*/) != nil
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("every code's raw value is unique and kebab-case, and it is what a log line shows")
    func codes() {
        let raw = DeviceErrorCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count, "raw values are unique")
        for code in DeviceErrorCode.allCases {
            #expect(Self.isKebabCase(code.rawValue), "\(code.rawValue) is kebab-case")
            #expect("\(code)" == code.rawValue)
            #expect(DeviceErrorCode(rawValue: code.rawValue) == code)
        }
    }

    @Test("the serial-line family is every serial- code, as SerialPort throws them")
    func serialLine() {
        #expect(DeviceErrorCode.serialLine == Set(DeviceErrorCode.allCases.filter { $0.rawValue.hasPrefix("serial-") }))
    }

    @Test("health conditions are unique kebab-case words, none of them also an error code")
    func conditions() {
        let raw = DeviceHealth.Reason.conditions.map(\.rawValue)
        #expect(Set(raw).count == raw.count, "conditions are unique")
        for reason in DeviceHealth.Reason.conditions {
            #expect(Self.isKebabCase(reason.rawValue), "\(reason.rawValue) is kebab-case")
            #expect(reason.errorCode == nil, "\(reason.rawValue) is defined once, as a code")
            #expect("\(reason)" == reason.rawValue)
        }
        #expect(DeviceHealth.Reason(.mediaEmpty) == DeviceHealth.Reason(rawValue: "media-empty"))
        #expect(DeviceHealth.Reason(rawValue: "media-empty").errorCode == .mediaEmpty)
        #expect(DeviceHealth.Reason(rawValue: "vendor-specific").errorCode == nil)
    }

    @Test("a reason encodes as its word alone, whether DeviceKit knows it or a printer made it up", arguments: [
        (DeviceHealth.Reason.paused, #"["paused"]"#),
        (DeviceHealth.Reason(.readerOffline), #"["reader-offline"]"#),
        (DeviceHealth.Reason(rawValue: "vendor-specific"), #"["vendor-specific"]"#),
    ])
    func reasonJSON(reason: DeviceHealth.Reason, json: String) throws {
        #expect(try Self.json([reason]) == json)
        #expect(try JSONDecoder().decode([DeviceHealth.Reason].self, from: Data(json.utf8)) == [reason])
    }
}
