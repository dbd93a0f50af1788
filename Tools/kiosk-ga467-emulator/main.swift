import DeviceKit
import Foundation
import GA467Emulator

// kiosk-ga467-emulator: a GA 467 reader with its SAM on a pseudo-terminal, for trying the ga467
// driver (or `kioskd probe identity --driver ga467 --device LINK`) without hardware.
//
//   kiosk-ga467-emulator [--link PATH] [--card resident-id|resident-id-bad-check|hkmotw|foreign-2017|foreign-2023|none]
//                        [--baud N] [--garbage] [--remove-after BYTES]
//
// It prints the tty's path and the link, then answers until interrupted.

let usage = "usage: kiosk-ga467-emulator [--link PATH] [--card KIND|none] [--baud N] [--garbage] [--remove-after BYTES]"
var link = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-ga467-\(getpid())").path
var card: EmulatedCard? = .residentID
var faults = GA467Emulator.Faults()
var arguments = CommandLine.arguments.dropFirst().makeIterator()

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("\(message)\n\(usage)\n".utf8))
    exit(2)
}

while let argument = arguments.next() {
    switch argument {
    case "--link":
        guard let path = arguments.next() else { fail("--link needs a path") }
        link = path
    case "--card":
        switch arguments.next() {
        case "resident-id": card = .residentID
        case "resident-id-bad-check": card = .residentIDBadCheck
        case "hkmotw": card = .hkmotwPermit
        case "foreign-2017": card = .foreignPermanent2017
        case "foreign-2023": card = .foreignPermanent2023
        case "none": card = nil
        default: fail("unknown --card")
        }
    case "--baud":
        guard let baud = arguments.next().flatMap(Int.init), baud > 0 else { fail("--baud needs a number") }
        faults.baud = baud
    case "--garbage": faults.garbage = true
    case "--remove-after":
        guard let count = arguments.next().flatMap(Int.init), count >= 0 else { fail("--remove-after needs a number") }
        faults.removeCardAfterBytes = count
    case "-h", "--help": print(usage); exit(0)
    default: fail("unknown argument \(argument)")
    }
}

let emulator = GA467Emulator(linkPath: link, card: card, faults: faults)
do {
    try emulator.plug()
} catch {
    fail("cannot start: \(error)")
}
// One write, unbuffered: a parent reading the output file sees both lines at once.
FileHandle.standardOutput.write(Data("tty \(emulator.slavePath ?? "?")\nlink \(link)\n".utf8))
// A parent may have spawned us with these signals blocked (posix_spawn inherits the mask): unblock
// them, so SIGTERM ends the emulator and removes its link.
nonisolated(unsafe) let linkForSignal: UnsafeMutablePointer<CChar> = strdup(link)!
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGINT)
sigaddset(&stopSignals, SIGTERM)
pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
let stop: @convention(c) (Int32) -> Void = { _ in
    unlink(linkForSignal)
    _exit(0)
}
signal(SIGINT, stop)
signal(SIGTERM, stop)
while true { sleep(3600) }
