import CLibevdev
import Foundation
import Synchronization
import TouchInput
#if canImport(Glibc)
import Glibc
#endif

/// The kiosk's touch panel read with libevdev, on a thread of its own: the device named, or else
/// the first under `/dev/input` that is a direct-touch panel (`INPUT_PROP_DIRECT`, absolute X and Y).
/// A panel unplugged is looked for again every ``rescanInterval`` until it is back; its state goes
/// to `onState` each time it changes, its taps to `onTouch`.
public final class EvdevTouchPanel: Sendable {
    public enum Choice: Sendable, Equatable {
        /// The first direct-touch panel found.
        case automatic
        case path(String)
    }

    /// What the console tells about the panel (and `kioskctl devices` shows).
    public enum State: Sendable, Equatable, CustomStringConvertible {
        case searching
        case ready(name: String, path: String)
        /// The named device is there but is no touch panel, or cannot be opened; the reason says which.
        case unusable(path: String, reason: String)

        public var description: String {
            switch self {
            case .searching: "no touch panel found; looking again every 2 s"
            case .ready(let name, let path): "\(name) at \(path)"
            case .unusable(let path, let reason): "\(path): \(reason)"
            }
        }
    }

    public static let rescanInterval = Duration.seconds(2)

    private let choice: Choice
    private let minimumPress: Double
    private let onTouch: @Sendable (TouchTracker.Touch) -> Void
    private let onState: @Sendable (State) -> Void
    private let stopping = Atomic<Bool>(false)
    private let inputFolder: String

    public init(choice: Choice, minimumPress: Duration = .milliseconds(30), inputFolder: String = "/dev/input",
                onTouch: @escaping @Sendable (TouchTracker.Touch) -> Void,
                onState: @escaping @Sendable (State) -> Void) {
        self.choice = choice
        self.minimumPress = Double(minimumPress.components.attoseconds) / 1e18 + Double(minimumPress.components.seconds)
        self.inputFolder = inputFolder
        self.onTouch = onTouch
        self.onState = onState
    }

    /// Starts reading on a new thread.
    public func start() {
        Thread.detachNewThread { [self] in run() }
    }

    public func stop() { stopping.store(true, ordering: .relaxed) }

    private func run() {
        var last: State?
        func report(_ state: State) {
            if state != last { onState(state) }
            last = state
        }
        while !stopping.load(ordering: .relaxed) {
            switch open() {
            case .found(let device):
                report(.ready(name: device.name, path: device.path))
                read(device)
                device.close()
                report(.searching)
            case .missing(let state):
                report(state)
                Thread.sleep(forTimeInterval: 2)
            }
        }
    }

    // MARK: Finding the panel

    private enum Search {
        case found(OpenDevice)
        case missing(State)
    }

    private func open() -> Search {
        switch choice {
        case .path(let path):
            switch OpenDevice.open(path) {
            case .panel(let device): return .found(device)
            case .notAPanel(let reason):
                return .missing(FileManager.default.fileExists(atPath: path) ? .unusable(path: path, reason: reason) : .searching)
            }
        case .automatic:
            let names = (try? FileManager.default.contentsOfDirectory(atPath: inputFolder)) ?? []
            let events = names.filter { $0.hasPrefix("event") }
                .sorted { (Int($0.dropFirst(5)) ?? 0) < (Int($1.dropFirst(5)) ?? 0) }
            for name in events {
                if case .panel(let device) = OpenDevice.open(inputFolder + "/" + name) { return .found(device) }
            }
            return .missing(.searching)
        }
    }

    // MARK: Reading

    private func read(_ device: OpenDevice) {
        var tracker = TouchTracker(x: device.x, y: device.y, multiTouch: device.multiTouch, minimumPress: minimumPress)
        var event = input_event()
        var flag = LIBEVDEV_READ_FLAG_NORMAL.rawValue
        while !stopping.load(ordering: .relaxed) {
            var descriptor = pollfd(fd: device.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 200)
            if ready < 0 && errno != EINTR { return }
            // Unplugged: the kernel fails the read (ENODEV), and udev removes the node, which is
            // also noticed here when no event comes to fail.
            if access(device.path, F_OK) != 0 { return }
            if ready <= 0 { continue }
            if descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && descriptor.revents & Int16(POLLIN) == 0 { return }
            // Everything that is there now, then back to poll.
            while true {
                let status = libevdev_next_event(device.handle, UInt32(flag), &event)
                if status == -EAGAIN {
                    if flag == LIBEVDEV_READ_FLAG_SYNC.rawValue { flag = LIBEVDEV_READ_FLAG_NORMAL.rawValue; continue }
                    break
                }
                if status < 0 { return }                           // unplugged (-ENODEV) or broken
                if status == LIBEVDEV_READ_STATUS_SYNC.rawValue {
                    // Events were lost: the touch under way is dropped, then the state is resynced.
                    flag = LIBEVDEV_READ_FLAG_SYNC.rawValue
                    _ = tracker.handle(type: UInt16(EV_SYN), code: UInt16(SYN_DROPPED), value: 0, time: Self.seconds(event.time))
                    continue
                }
                if let touch = tracker.handle(type: event.type, code: event.code, value: event.value, time: Self.seconds(event.time)) {
                    onTouch(touch)
                }
            }
        }
    }

    private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
}

/// A device opened with libevdev that is a direct-touch panel.
private struct OpenDevice {
    let fd: Int32
    let handle: OpaquePointer
    let path: String
    let name: String
    let x: TouchTracker.AxisRange
    let y: TouchTracker.AxisRange
    let multiTouch: Bool

    enum Opened {
        case panel(OpenDevice)
        case notAPanel(String)
    }

    /// Opens `path` and keeps it only if it is a touch panel; else the reason it is not.
    static func open(_ path: String) -> Opened {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .notAPanel("cannot be opened: \(String(cString: strerror(errno)))") }
        var handle: OpaquePointer?
        let created = libevdev_new_from_fd(fd, &handle)
        guard created == 0, let handle else {
            Glibc.close(fd)
            return .notAPanel("not an input device: \(String(cString: strerror(-created)))")
        }
        let multiTouch = libevdev_has_event_code(handle, UInt32(EV_ABS), UInt32(ABS_MT_POSITION_X)) == 1
            && libevdev_has_event_code(handle, UInt32(EV_ABS), UInt32(ABS_MT_POSITION_Y)) == 1
        let single = libevdev_has_event_code(handle, UInt32(EV_ABS), UInt32(ABS_X)) == 1
            && libevdev_has_event_code(handle, UInt32(EV_ABS), UInt32(ABS_Y)) == 1
        let direct = libevdev_has_property(handle, UInt32(INPUT_PROP_DIRECT)) == 1
        guard direct, multiTouch || single,
              let x = range(handle, multiTouch ? ABS_MT_POSITION_X : ABS_X),
              let y = range(handle, multiTouch ? ABS_MT_POSITION_Y : ABS_Y) else {
            libevdev_free(handle)
            Glibc.close(fd)
            return .notAPanel("not a touch screen (a direct device with absolute X and Y)")
        }
        let name = libevdev_get_name(handle).map { String(cString: $0) } ?? "touch panel"
        return .panel(OpenDevice(fd: fd, handle: handle, path: path, name: name, x: x, y: y, multiTouch: multiTouch))
    }

    private static func range(_ handle: OpaquePointer, _ code: Int32) -> TouchTracker.AxisRange? {
        guard let info = libevdev_get_abs_info(handle, UInt32(code)), info.pointee.maximum > info.pointee.minimum else { return nil }
        return TouchTracker.AxisRange(minimum: info.pointee.minimum, maximum: info.pointee.maximum)
    }

    func close() {
        libevdev_free(handle)
        Glibc.close(fd)
    }
}
