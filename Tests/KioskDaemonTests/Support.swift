import Foundation
import KioskControl
import KioskDaemon
import Logging

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let shippedConfiguration = repositoryRoot.appendingPathComponent("Kiosk/kiosk.yaml").path

func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A whole kiosk in this process, on the shipped demo configuration, with its own state and socket.
struct RunningKiosk {
    let app: KioskApp
    let folder: URL
    let task: Task<Void, Error>
    var socket: String { app.controlServer.path }

    static func start() async throws -> RunningKiosk {
        let folder = try temporaryFolder("kiosk-daemon-test")
        let checked = try CheckedConfiguration.load(path: shippedConfiguration)
        var options = KioskApp.Options()
        options.demo = true
        // Many kiosks stop at once in the test process on a busy machine: a slow stop there is not
        // the hang kioskd's own budget guards against (the end-to-end tests keep that one).
        options.gracefulShutdown = .seconds(10)
        options.cancellation = .seconds(10)
        options.databasePath = folder.appendingPathComponent("kiosk.sqlite").path
        options.socketPath = folder.appendingPathComponent("k.sock").path
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = try KioskApp(checked: checked, options: options, logger: logger)
        let task = Task { try await app.run() }
        let kiosk = RunningKiosk(app: app, folder: folder, task: task)
        // Generous: the whole suite runs in parallel on two cores.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? ControlClient(path: kiosk.socket)) != nil { return kiosk }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CancellationError()
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs blocking work (a socket read, a POSIX client) on a thread of its own. Swift Testing runs
/// tests on the shared cooperative pool, two threads on this machine: a test blocking there would
/// starve every other test, and the very server it waits for.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
