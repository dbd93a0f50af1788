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
