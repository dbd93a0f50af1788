import CardEmulator
import Testing

@Suite struct EmulatorOptionsTests {
    @Test func parsesEveryOption() throws {
        let options = try EmulatorOptions(arguments: ["--port", "40001", "--host", "127.0.0.2", "--t0", "--wrong-mac",
                                                      "--pull-after", "12", "--reinsert-after-ms", "500", "--face", "/tmp/f.jpg"])
        #expect(options.port == 40001)
        #expect(options.host == "127.0.0.2")
        #expect(options.transmissionProtocol == .t0)
        #expect(options.faults == PassportApplet.Faults(wrongResponseMAC: true, t0GetResponse: true))
        #expect(options.pullAfterCommands == 12)
        #expect(options.reinsertAfterMilliseconds == 500)
        #expect(options.facePath == "/tmp/f.jpg")
        #expect(try EmulatorOptions(arguments: []) == EmulatorOptions())
    }

    @Test(arguments: [
        (["--port"], EmulatorOptionsError.missingValue("--port")),
        (["--port", "0"], .badValue("--port")),
        (["--port", "70000"], .badValue("--port")),
        (["--pull-after", "x"], .badValue("--pull-after")),
        (["--loud"], .unknown("--loud")),
        (["--help"], .help),
    ])
    func badOptionsAreRefused(arguments: [String], error: EmulatorOptionsError) {
        #expect(throws: error) { try EmulatorOptions(arguments: arguments) }
    }

    @Test func theT1ATRHasItsCheckByte() throws {
        let card = VPCDCard(port: 1, passport: try TestPassport())
        #expect(card.atr.first == 0x3B)
        #expect(card.atr.dropFirst().reduce(0, ^) == 0, "TCK makes T0…TCK XOR to zero")
    }
}
