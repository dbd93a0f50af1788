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

    @Test("a device error round-trips through JSON with its code as the same string as before", arguments: [
        (DeviceError(code: .readerOffline, action: .reset, detail: "reader r1 is not started"),
         #"{"action":"reset","code":"reader-offline","detail":"reader r1 is not started"}"#),
        (DeviceError(code: .driverUnavailable, action: .configuration, detail: "no driver pcsc"),
         #"{"action":"configuration","code":"driver-unavailable","detail":"no driver pcsc"}"#),
        (DeviceError(code: .serialNotATTY, action: .configuration, detail: "not a tty"),
         #"{"action":"configuration","code":"serial-not-a-tty","detail":"not a tty"}"#),
        (DeviceError(code: .ga467SAMSelfTestFailed, action: .maintenance, detail: "SW3 60"),
         #"{"action":"maintenance","code":"ga467-sam-self-test-failed","detail":"SW3 60"}"#),
        (DeviceError(code: .notAnEMRTD, action: .none, detail: "no ICAO 9303 application"),
         #"{"action":"none","code":"not-an-emrtd","detail":"no ICAO 9303 application"}"#),
        (DeviceError(code: .hardwareFault, action: .maintenance, detail: "the printer of queue q reports vendor-specific"),
         #"{"action":"maintenance","code":"hardware-fault","detail":"the printer of queue q reports vendor-specific"}"#),
    ])
    func errorJSON(error: DeviceError, json: String) throws {
        #expect(try Self.json(error) == json)
        #expect(try JSONDecoder().decode(DeviceError.self, from: Data(json.utf8)) == error)
        #expect(error.description.hasPrefix(error.code.rawValue + ": "))
    }

    @Test("a code the kiosk does not know is refused, not read as another")
    func unknownCode() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(DeviceError.self, from: Data(#"{"action":"reset","code":"open-failed","detail":""}"#.utf8))
        }
    }

    @Test("a device's health encodes its reason as the same string as before, and none when it has none", arguments: [
        (DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish),
         #"{"action":"replenish","reason":"media-empty","state":"user-error"}"#),
        (DeviceHealth(state: .offline, reason: .paused, action: .maintenance),
         #"{"action":"maintenance","reason":"paused","state":"offline"}"#),
        (DeviceHealth(state: .hardwareError, reason: DeviceHealth.Reason(rawValue: "vendor-specific"), action: .maintenance),
         #"{"action":"maintenance","reason":"vendor-specific","state":"hardware-error"}"#),
        (.offline(), #"{"action":"reset","reason":"disconnected","state":"offline"}"#),
        (.online, #"{"action":"none","state":"online"}"#),
    ])
    func healthJSON(health: DeviceHealth, json: String) throws {
        #expect(try Self.json(health) == json)
        #expect(try JSONDecoder().decode(DeviceHealth.self, from: Data(json.utf8)) == health)
    }
}
