import ArgumentParser
import Foundation

/// A problem with the arguments or the files they name: exit status 2 and a plain message.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Maps what ended the program to its exit status, after printing what the user must know.
enum ExitStatus {
    static func `for`(_ error: any Error) -> Int32 {
        if let error = error as? UsageError {
            printError("kiosk-platform: \(error.description)")
            return 2
        }
        let code = KioskPlatform.exitCode(for: error)
        if code == .success {
            // --help and --version: ArgumentParser's text, on stdout.
            FileHandle.standardOutput.write(Data((KioskPlatform.fullMessage(for: error) + "\n").utf8))
            return 0
        }
        if error is ValidationError || code == .validationFailure {
            printError(KioskPlatform.fullMessage(for: error))
            return 2
        }
        printError("kiosk-platform: \(error)")
        return 1
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
