import CardEmulator
import Foundation

// The project's card emulator: a test passport for pcscd's vpcd driver (docs/drivers/smartcard.md).
let options: EmulatorOptions
do {
    options = try EmulatorOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch .help {
    print(EmulatorOptions.usage)
    exit(0)
} catch {
    FileHandle.standardError.write(Data("kiosk-card-emulator: \(error)\n\(EmulatorOptions.usage)\n".utf8))
    exit(2)
}

let passport: TestPassport
do {
    var face = TinyJPEG.grey8x8
    if let path = options.facePath {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("kiosk-card-emulator: cannot read \(path)\n".utf8))
            exit(2)
        }
        face = Array(data)
    }
    passport = try TestPassport(mrz: options.mrz, face: face)
} catch {
    FileHandle.standardError.write(Data("kiosk-card-emulator: --mrz: \(error)\n".utf8))
    exit(2)
}

let card = VPCDCard(host: options.host, port: options.port, passport: passport, faults: options.faults,
                    transmissionProtocol: options.transmissionProtocol)
if let count = options.pullAfterCommands { card.pullAfter(commands: count) }
card.start()
// Unbuffered, so that a log file shows the line while the emulator runs.
FileHandle.standardOutput.write(Data("kiosk-card-emulator: serving a test passport to vpcd at \(options.host):\(options.port)\n".utf8))
while true {
    if !card.isInserted, let delay = options.reinsertAfterMilliseconds {
        usleep(UInt32(delay) * 1000)
        card.insert()
    }
    usleep(50_000)
}
