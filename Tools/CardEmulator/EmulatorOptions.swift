import Foundation

/// The command line of `kiosk-card-emulator`, parsed without outside help so that the emulator
/// depends on nothing but the card code.
public struct EmulatorOptions: Sendable, Equatable {
    public var host = "127.0.0.1"
    /// vpcd's port: 35963 (0x8C7B) for the stock /etc/reader.conf.d/vpcd.
    public var port: UInt16 = 35963
    /// The MRZ of the test passport, without line breaks; the ICAO specimen by default.
    public var mrz = TestPassport.specimenMRZ
    /// A JPEG file for the face; the built-in 8×8 grey JPEG by default.
    public var facePath: String?
    public var transmissionProtocol: VPCDCard.TransmissionProtocol = .t1
    public var faults = PassportApplet.Faults()
    /// Take the card away in the middle of the n-th command.
    public var pullAfterCommands: Int?
    /// Put a pulled card back after this many milliseconds (never, without it).
    public var reinsertAfterMilliseconds: Int?

    public static let usage = """
        usage: kiosk-card-emulator [--host 127.0.0.1] [--port 35963] [--mrz MRZ] [--face FILE.jpg]
                                   [--t0] [--wrong-mac] [--pull-after N] [--reinsert-after-ms MS]
        Serves a test passport (ICAO 9303, BAC) to pcscd's vpcd reader driver.
        """

    public init() {}

    public init(arguments: [String]) throws(EmulatorOptionsError) {
        var rest = arguments[...]
        func value(_ flag: String) throws(EmulatorOptionsError) -> String {
            guard let next = rest.popFirst() else { throw .missingValue(flag) }
            return next
        }
        func number(_ flag: String, _ range: ClosedRange<Int>) throws(EmulatorOptionsError) -> Int {
            guard let parsed = Int(try value(flag)), range.contains(parsed) else { throw .badValue(flag) }
            return parsed
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--host": host = try value(flag)
            case "--port": port = UInt16(try number(flag, 1...65535))
            case "--mrz": mrz = try value(flag)
            case "--face": facePath = try value(flag)
            case "--t0": transmissionProtocol = .t0; faults.t0GetResponse = true
            case "--wrong-mac": faults.wrongResponseMAC = true
            case "--pull-after": pullAfterCommands = try number(flag, 1...1_000_000)
            case "--reinsert-after-ms": reinsertAfterMilliseconds = try number(flag, 0...600_000)
            case "-h", "--help": throw .help
            default: throw .unknown(flag)
            }
        }
    }
}

public enum EmulatorOptionsError: Error, Equatable, CustomStringConvertible {
    case missingValue(String)
    case badValue(String)
    case unknown(String)
    case help

    public var description: String {
        switch self {
        case .missingValue(let flag): "\(flag) needs a value"
        case .badValue(let flag): "\(flag): value out of range"
        case .unknown(let flag): "unknown option \(flag)"
        case .help: EmulatorOptions.usage
        }
    }
}
