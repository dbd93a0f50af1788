import ArgumentParser
import Foundation
import KioskControl

struct Connection: ParsableArguments {
    @Option(name: .long, help: "kioskd's control socket.")
    var socket: String?

    var path: String { ControlSocket.pathToConnect(explicit: socket) }

    func connect() throws -> ControlClient {
        do { return try ControlClient(path: path) } catch {
            FileHandle.standardError.write(Data("kioskctl: \(error)\n".utf8))
            throw ExitCode(3)
        }
    }

    /// Sends a request; a refusal is printed and becomes exit code 1.
    func send(_ request: ControlRequest) throws -> ControlResponse {
        let response = try connect().request(request)
        if !response.ok {
            FileHandle.standardError.write(Data("kioskctl: \(response.error ?? "kioskd refused the request")\n".utf8))
            throw ExitCode.failure
        }
        return response
    }
}

/// The kiosk a command asks, and how its answer is printed: for people, or as JSON with `--json`
/// for scripts.
struct KioskQuery: ParsableArguments {
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false

    /// Sends `request` and reports its outcome: its message, or the whole response as JSON.
    func perform(_ request: ControlRequest) throws {
        try report(try connection.send(request), json: json)
    }

    /// Sends `request` and prints the part of the response `answer` picks: as JSON with `--json`,
    /// else as `text` writes it. A response without that part is a failure (exit 1).
    func show<Value: Encodable>(_ request: ControlRequest, _ answer: (ControlResponse) -> Value?,
                                as text: (Value) -> String) throws {
        guard let value = answer(try connection.send(request)) else { throw ExitCode.failure }
        print(json ? try prettyJSON(value) : text(value))
    }
}
