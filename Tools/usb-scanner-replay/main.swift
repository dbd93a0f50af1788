// Runs the usb-hid scanner driver against a umockdev testbed, for CodeScannersTests: the driver and
// libusb are the real ones, the USB device is a sysfs description plus a replay of interrupt-IN
// URBs (Devices/fixtures/). libumockdev's preload library must be loaded
// (LD_PRELOAD=libumockdev-preload.so.0), which is why this is a program of its own.
//
// Prints one line per event on stdout:
//   started | start-failed CODE | code HEX | health STATE REASON ACTION | unplugged | replugged |
//   counts dropped=N rejected=N | stopped | timeout
//
// usage: usb-scanner-replay --device FILE.umockdev --ioctl FILE.ioctl --mode keyboard|hid-pos
//        --vendor 0xVVVV --product 0xPPPP [--serial S | --bus B --address A] [--hotplug auto|poll]
//        [--replug-ioctl FILE.ioctl] [--scans-per-second N] [--scan-burst N] [--arrival-wait-ms N]
//        [--timeout-ms N] [--manager yes]
import CUMockdev
import CodeScanners
import DeviceKit
import Foundation
import Logging
import ReplaySupport
import Synchronization

let devicePath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"

func hexNumber(_ name: String) -> UInt16 {
    let text = option(name)
    guard let value = UInt16(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16) else { fail("--\(name) \(text)") }
    return value
}

/// The testbed, shared with the sink (which unplugs the device from the USB thread).
final class Testbed: @unchecked Sendable {
    let bed: UnsafeMutablePointer<UMockdevTestbed>
    let devicePath: String
    private let lock = Mutex(())

    init(device: String) {
        guard let bed = umockdev_testbed_new() else { fail("cannot make a umockdev testbed") }
        self.bed = bed
        self.devicePath = device
    }

    /// The device's address: the kernel numbers a device anew each time it is plugged in.
    private(set) var address = 2
    var deviceNode: String { "/dev/bus/usb/001/" + String(format: "%03d", address) }

    func plug(description: String, replay: String) {
        lock.withLock { _ in
            var error: UnsafeMutablePointer<GError>?
            guard let text = try? String(contentsOfFile: description, encoding: .utf8) else { fail("cannot read \(description)") }
            let renumbered = text
                .replacingOccurrences(of: "bus/usb/001/002", with: "bus/usb/001/" + String(format: "%03d", address))
                .replacingOccurrences(of: "DEVNUM=002", with: "DEVNUM=" + String(format: "%03d", address))
                .replacingOccurrences(of: "devnum=2\\n", with: "devnum=\(address)\\n")
                .replacingOccurrences(of: "MINOR=1\n", with: "MINOR=\(address - 1)\n")
                .replacingOccurrences(of: "dev=189:1\\n", with: "dev=189:\(address - 1)\\n")
            // The replay is in place before the device appears, so a driver that finds it at once
            // can use it, as with a real device.
            guard umockdev_testbed_load_ioctl(bed, deviceNode, replay, &error) != 0 else {
                fail("cannot load \(replay): \(error.map { String(cString: $0.pointee.message) } ?? "?")")
            }
            guard umockdev_testbed_add_from_string(bed, renumbered, &error) != 0 else {
                fail("cannot load \(description): \(error.map { String(cString: $0.pointee.message) } ?? "?")")
            }
        }
    }

    /// What the kernel does on unplug: a `remove` uevent, then the device is gone from sysfs.
    func unplug() {
        lock.withLock { _ in
            umockdev_testbed_uevent(bed, devicePath, "remove")
            var error: UnsafeMutablePointer<GError>?
            _ = umockdev_testbed_detach_ioctl(bed, deviceNode, &error)
            umockdev_testbed_remove_device(bed, devicePath)
            address += 1
        }
    }

    func announce() {
        lock.withLock { _ in umockdev_testbed_uevent(bed, devicePath, "add") }
    }
}

let description = option("device")
let testbed = Testbed(device: devicePath)
testbed.plug(description: description, replay: option("ioctl"))
let replug = options["replug-ioctl"]

var quirks: [String: CatalogEntry.Quirk] = ["report-mode": .text(option("mode"))]
if let rate = options["scans-per-second"] { quirks["scans-per-second"] = .number(Double(rate) ?? 0) }
if let burst = options["scan-burst"] { quirks["scan-burst"] = .number(Double(burst) ?? 0) }
let entry = CatalogEntry(model: "fixture-scanner", name: "Fixture scanner", category: .codeScanner, driver: .usbHID,
                         usb: .init(vendor: hexNumber("vendor"), product: hexNumber("product")),
                         quirks: quirks, source: "fixture")
var connection: [String: String] = [:]
for key in ["serial", "bus", "address", "hotplug"] { connection[key] = options[key] }

var settings: USBScannerSettings
do {
    settings = try USBHIDDriverFactory.settings(for: entry, id: "scanner", connection: DeviceConnection(connection))
} catch {
    say("config-failed \(error.code)")
    exit(0)
}
if let wait = options["arrival-wait-ms"].flatMap(Int.init) { settings.arrivalWait = .milliseconds(wait) }
settings.pollInterval = .milliseconds(100)
var logger = Logger(label: "usb-scanner-replay")
logger.logLevel = .debug
let scanner = USBHIDCodeScanner(id: "scanner", model: entry.model, settings: settings, logger: logger)

enum Step: Sendable { case online, offline }
let (steps, stepContinuation) = AsyncStream.makeStream(of: Step.self)
/// Whether the described scanner is in the testbed. Every recording ends with the scanner gone (an
/// ENODEV URB); it is taken out of the testbed then, each time, so the driver cannot find it there
/// again and replay the recording a second time before the run stops.
let plugged = Atomic<Bool>(true)
let sink = DeviceEventSink(deviceID: "scanner", role: .codeScanner) { event in
    switch event.body {
    case .data(.codeScanned(let bytes)):
        say("code " + bytes.map { String(format: "%02X", $0) }.joined())
    case .data:
        break
    case .status(let status):
        let health = status.health
        say("health \(health.state.rawValue) \(health.reason?.rawValue ?? "-") \(health.action.rawValue)")
        if health.state == .offline, plugged.exchange(false, ordering: .sequentiallyConsistent) {
            // Unplugged here, on the driver's USB thread, before the driver can look for it again.
            testbed.unplug()
            say("unplugged")
        }
        stepContinuation.yield(health.state == .offline ? .offline : .online)
    }
}

let timeout = Duration.milliseconds(options["timeout-ms"].flatMap(Int.init) ?? 15_000)

/// The driver started and restarted by DeviceManager, as in kioskd: after the unplug the manager
/// stops it and starts it again after its backoff, and `start` waits for the scanner to come back.
func runUnderManager() async -> Bool {
    var managerLogger = Logger(label: "usb-scanner-replay.manager")
    managerLogger.logLevel = .warning
    // A second's backoff leaves this program ample time to unplug the device before the restart.
    let manager = DeviceManager(devices: [ManagedDevice(scanner, role: .codeScanner)], logger: managerLogger,
                                backoff: RestartBackoff(initial: .seconds(1), maximum: .seconds(2), jitter: 0))
    return await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            await manager.run()
            return false
        }
        group.addTask {
            var onlines = 0
            var unpluggedYet = false
            for await event in manager.events {
                switch event.body {
                case .data(.codeScanned(let bytes)):
                    say("code " + bytes.map { String(format: "%02X", $0) }.joined())
                case .data:
                    break
                case .status(let status):
                    let health = status.health
                    say("health \(health.state.rawValue) \(health.reason?.rawValue ?? "-") \(health.action.rawValue)")
                    if health.state == .online { onlines += 1 }
                    if health.state == .offline, health.reason?.errorCode == .disconnected, onlines == 1, !unpluggedYet, let replug {
                        unpluggedYet = true
                        testbed.unplug()
                        say("unplugged")
                        try? await Task.sleep(for: .milliseconds(200))
                        testbed.plug(description: description, replay: replug)
                        testbed.announce()
                        say("replugged")
                    } else if health.state == .offline, health.reason?.errorCode == .disconnected, onlines >= (replug == nil ? 1 : 2) {
                        return true
                    }
                }
            }
            return false
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return false
        }
        var result = false
        for await finished in group {
            result = finished
            break
        }
        group.cancelAll()
        return result
    }
}

if options["manager"] == "yes" {
    let finished = await runUnderManager()
    if !finished { say("timeout") }
    say("counts dropped=\(scanner.droppedScans) rejected=\(scanner.rejectedReports)")
    say("stopped")
    exit(0)
}

let finished = await withTaskGroup(of: Bool.self) { group in
    group.addTask {
        do {
            try await scanner.start(sink: sink)
            say("started")
        } catch let error as DeviceError {
            say("start-failed \(error.code)")
            return true
        } catch {
            say("start-failed \(error)")
            return true
        }
        var iterator = steps.makeAsyncIterator()
        // The replay ends with the device unplugged (an ENODEV URB): wait for offline.
        while let step = await iterator.next(), step != .offline {}
        if let replug {
            try? await Task.sleep(for: .milliseconds(200))
            plugged.store(true, ordering: .sequentiallyConsistent)
            testbed.plug(description: description, replay: replug)
            testbed.announce()
            say("replugged")
            while let step = await iterator.next(), step != .online {}
            while let step = await iterator.next(), step != .offline {}
        }
        return true
    }
    group.addTask {
        try? await Task.sleep(for: timeout)
        return false
    }
    let first = await group.next() ?? false
    group.cancelAll()
    return first
}
if !finished { say("timeout") }
say("counts dropped=\(scanner.droppedScans) rejected=\(scanner.rejectedReports)")
await scanner.stop()
say("stopped")
exit(0)
