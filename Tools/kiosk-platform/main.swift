// kiosk-platform: the platform stand-in as a process, for the demo, manual testing and the
// benchmarks. See docs/api/platform.yaml for the API and PlatformStandIn for the server.
//
// Exit status: 0 after a clean stop (SIGTERM, SIGINT), 2 for bad arguments or files (with a plain
// message on stderr), 1 when the server fails while running.

import ArgumentParser
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    var command = try KioskPlatform.parseAsRoot(arguments)
    // The concrete type, so its async `run()` is the one called.
    if let serve = command as? Serve {
        try await serve.run()
    } else {
        try command.run()
    }
} catch {
    exit(ExitStatus.for(error))
}
