import Foundation
import Synchronization

// What the umockdev replay programs (usb-scanner-replay, touch-panel-replay) share: `--name value`
// options, one line per event on stdout from any thread, and a plain failure with exit status 2.

private let output = Mutex(())

/// Prints one line on stdout, whole, whichever thread calls.
public func say(_ line: String) {
    output.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}

/// Stops the program: a setup or usage problem, exit status 2.
public func fail(_ message: String) -> Never {
    let program = URL(fileURLWithPath: CommandLine.arguments.first ?? "replay").lastPathComponent
    FileHandle.standardError.write(Data("\(program): \(message)\n".utf8))
    exit(2)
}

/// The command line's `--name value` pairs.
public let options: [String: String] = {
    var options: [String: String] = [:]
    var arguments = CommandLine.arguments.dropFirst()
    while let key = arguments.popFirst() {
        guard key.hasPrefix("--"), let value = arguments.popFirst() else { fail("expected --option value, got \(key)") }
        options[String(key.dropFirst(2))] = value
    }
    return options
}()

/// A required option's value.
public func option(_ name: String) -> String {
    guard let value = options[name] else { fail("missing --\(name)") }
    return value
}
