// Runs the console's touch panel reader (TouchPanel: libevdev on its own thread) against a umockdev
// testbed, for TouchInputTests: the reader and libevdev are the real ones, the panel is
// Devices/fixtures/touch-panel.umockdev and .ioctl, and its events an evemu recording. The panel is
// pulled out in the middle of a touch and plugged back, as a technician would. libumockdev's
// preload library must be loaded (LD_PRELOAD=libumockdev-preload.so.0), hence a program of its own.
//
// Prints one line per event on stdout:
//   state ready NAME | state searching | state unusable REASON | touch PX PY RX RY | unplug | replug |
//   timeout WHAT
//
// usage: touch-panel-replay --device F.umockdev --ioctl F.ioctl --events F.events
//        --unplug-after-ms N --replug-events F.events [--timeout-ms N]
import CUMockdev
import Foundation
import ReplaySupport
import Synchronization
import TouchInput
import TouchPanel

/// The panel's event device as the fixture describes it; plugged back, the kernel gives it the next
/// numbers (input8, event8), as it would.
struct Node {
    let number: Int
    var path: String { "/dev/input/event\(number)" }
    var input: String { "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/0003:0EEF:0001.0001/input/input\(number)" }
    var sysfs: String { input + "/event\(number)" }
}

let timeout = Double(options["timeout-ms"] ?? "10000").map { $0 / 1000 } ?? 10

guard let bed = umockdev_testbed_new() else { fail("cannot make a umockdev testbed") }

/// Puts the panel in the testbed as `node` with `events` to replay, as plugging it in does.
func plug(_ node: Node, events: String) {
    var error: UnsafeMutablePointer<GError>?
    func check(_ ok: gboolean, _ what: String) {
        guard ok != 0 else { fail("\(what): \(error.map { String(cString: $0.pointee.message) } ?? "?")") }
    }
    guard let text = try? String(contentsOfFile: option("device"), encoding: .utf8) else { fail("cannot read \(option("device"))") }
    let renumbered = text.replacingOccurrences(of: "event7", with: "event\(node.number)")
        .replacingOccurrences(of: "input7", with: "input\(node.number)")
        .replacingOccurrences(of: "MINOR=71", with: "MINOR=\(64 + node.number)")
        .replacingOccurrences(of: "dev=13:71", with: "dev=13:\(64 + node.number)")
    // The node first (the events need it), then at once what it answers; the reader looks for a
    // missing panel only every 2 s.
    check(umockdev_testbed_add_from_string(bed, renumbered, &error), "cannot load \(option("device"))")
    check(umockdev_testbed_load_ioctl(bed, node.path, option("ioctl"), &error), "cannot load \(option("ioctl"))")
    check(umockdev_testbed_load_evemu_events(bed, node.path, events, &error), "cannot load \(events)")
}

/// What the kernel does on unplug: a `remove` uevent, then the node and its sysfs entry are gone.
func unplug(_ node: Node) {
    umockdev_testbed_uevent(bed, node.sysfs, "remove")
    var error: UnsafeMutablePointer<GError>?
    _ = umockdev_testbed_detach_ioctl(bed, node.path, &error)
    umockdev_testbed_remove_device(bed, node.sysfs)
    umockdev_testbed_remove_device(bed, node.input)
}

let seen = Mutex<(states: [String], touches: Int)>(([], 0))
func waitFor(_ what: String, _ condition: ((states: [String], touches: Int)) -> Bool) {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if seen.withLock({ condition($0) }) { return }
        usleep(10_000)
    }
    say("timeout \(what)")
    exit(1)
}

plug(Node(number: 7), events: option("events"))
// As the console runs by default: the first direct-touch panel under /dev/input, whatever its number.
let panel = EvdevTouchPanel(choice: .automatic, onTouch: { touch in
    seen.withLock { $0.touches += 1 }
    say(String(format: "touch %.3f %.3f %.3f %.3f", touch.press.x, touch.press.y, touch.release.x, touch.release.y))
}, onState: { state in
    let line: String = switch state {
    case .ready(let name, _): "state ready \(name)"
    case .searching: "state searching"
    case .unusable(_, let reason): "state unusable \(reason)"
    }
    seen.withLock { $0.states.append(line) }
    say(line)
})
panel.start()
waitFor("the panel") { $0.states.last?.hasPrefix("state ready") == true }
usleep(useconds_t(Int(option("unplug-after-ms")) ?? 1000) * 1000)
say("unplug")
unplug(Node(number: 7))
waitFor("the reader to see the panel gone") { $0.states.last == "state searching" }
say("replug")
plug(Node(number: 8), events: option("replug-events"))
waitFor("the panel again") { $0.states.filter { $0.hasPrefix("state ready") }.count == 2 }
waitFor("a touch after the replug") { $0.touches >= 1 }
usleep(500_000)                                          // nothing more may come
panel.stop()
exit(0)
