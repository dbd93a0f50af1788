import Application
import DeviceKit
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Pings systemd's watchdog only while the kiosk really works: the session loop has turned within
/// the last few seconds and every device has answered a health query. When either hangs the pings
/// stop, and systemd restarts the kiosk after `WatchdogSec=`.
struct WatchdogService: Service, Sendable {
    let runtime: KioskRuntime
    let deviceIDs: [String]
    let notifier: SystemdNotifier
    let logger: Logger
    /// How stale the loop's or the devices' last sign of life may be.
    static let maximumSilence: Duration = .seconds(5)

    func run() async throws {
        notifier.ready(status: "serving; \(deviceIDs.count) devices")
        guard let interval = notifier.watchdogInterval else {
            try await gracefulShutdown()
            notifier.stopping()
            return
        }
        let devicesAnswered = Heartbeat()
        logger.info("watchdog on", metadata: ["interval": "\(interval)"])
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Asks every device for its health in turn; a wedged driver stops this loop, and so the pings.
                while !Task.isCancelled {
                    for id in deviceIDs {
                        _ = await runtime.devices.device(id: id)?.currentHealth()
                    }
                    devicesAnswered.beat()
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            group.addTask {
                var silent = false
                while !Task.isCancelled {
                    let loopAge = runtime.timeSinceLoopTurned
                    let devicesAge = devicesAnswered.age
                    if loopAge < Self.maximumSilence && devicesAge < Self.maximumSilence {
                        notifier.watchdog()
                        if silent { logger.notice("watchdog pings resumed") }
                        silent = false
                    } else if !silent {
                        silent = true
                        let what = loopAge >= Self.maximumSilence ? "the session loop" : "a device"
                        logger.critical("watchdog pings stopped: \(what) does not answer; systemd will restart kioskd")
                        notifier.status("\(what) does not answer; waiting for the watchdog")
                    }
                    try? await Task.sleep(for: interval / 2)
                }
            }
            try? await gracefulShutdown()
            notifier.stopping()
            group.cancelAll()
        }
    }
}
