import CSANE
import DeviceKit
import Foundation
import Synchronization

/// libsane for the whole process: one owner thread (a `DeviceThread` that is never stopped), the
/// one thread that ever calls libsane, since SANE backends block in their calls and are not
/// thread-safe. It initialises SANE when work arrives and calls `sane_exit` when the queue empties,
/// so every batch of work sees the devices and configuration as they are now (a scanner plugged in
/// since is found) and no device stays claimed while the kiosk is idle.
///
/// SANE reads `SANE_CONFIG_DIR` when it initialises; a program (or test) that wants a private
/// configuration sets it before the first job.
public final class SANERuntime: Sendable {
    public static let shared = SANERuntime()

    private let thread: DeviceThread
    private let initialisedOnce = Atomic<Bool>(false)

    private init() {
        // Each time the queue empties, on the thread.
        thread = DeviceThread(name: "kiosk-sane") {
            SIGPIPEGuard.install()
            SANEContext.shutDown()
        }
    }

    /// The `pthread_self()` of the SANE thread (0 until it runs).
    var ownerThread: UInt { thread.threadID }

    /// Whether SANE has been initialised in this process (after which SANE_CONFIG_DIR is fixed).
    public var hasInitialised: Bool { initialisedOnce.load(ordering: .acquiring) }

    /// Runs `body` on the SANE thread with SANE initialised, and hands its result back.
    func perform<T: Sendable>(
        _ body: @escaping @Sendable (SANEContext) throws(DeviceError) -> T
    ) async throws(DeviceError) -> T {
        try await thread.run { [self] () throws(DeviceError) -> T in
            initialisedOnce.store(true, ordering: .releasing)
            SIGPIPEGuard.install()
            return try body(try SANEContext.current())
        }
    }

    /// The devices SANE finds now (local and network backends alike).
    public func devices() async throws(DeviceError) -> [SANEDeviceInfo] {
        try await perform { context throws(DeviceError) in try context.devices() }
    }
}

/// Proof of being on the SANE thread with SANE initialised; only jobs get one.
struct SANEContext {
    /// Whether `sane_init` has been called without `sane_exit` since. Only touched on the SANE thread.
    nonisolated(unsafe) private static var initialised = false
    nonisolated(unsafe) private static var version: SANE_Int = 0

    static func current() throws(DeviceError) -> SANEContext {
        if !initialised {
            var code: SANE_Int = 0
            let status = SANEStatus(sane_init(&code, nil))
            guard status == .good else { throw status.error("sane_init") }
            version = code
            initialised = true
        }
        return SANEContext()
    }

    static func shutDown() {
        guard initialised else { return }
        sane_exit()
        initialised = false
    }

    /// The version of libsane, e.g. `1.1.1`.
    var version: String {
        let code = Self.version
        return "\((code >> 24) & 0xff).\((code >> 16) & 0xff).\(code & 0xffff)"
    }

    func devices() throws(DeviceError) -> [SANEDeviceInfo] {
        var list: UnsafeMutablePointer<UnsafePointer<SANE_Device>?>?
        let status = SANEStatus(sane_get_devices(&list, SANE_Bool(SANE_FALSE)))
        guard status == .good else { throw status.error("sane_get_devices") }
        var devices: [SANEDeviceInfo] = []
        var index = 0
        while let entry = list?[index] {
            let device = entry.pointee
            devices.append(SANEDeviceInfo(
                name: device.name.map { String(cString: $0) } ?? "",
                vendor: device.vendor.map { String(cString: $0) } ?? "",
                model: device.model.map { String(cString: $0) } ?? "",
                type: device.type.map { String(cString: $0) } ?? ""))
            index += 1
        }
        return devices
    }

    func open(_ name: String) throws(DeviceError) -> SANEDeviceHandle {
        try SANEDeviceHandle(opening: name)
    }
}

/// One device as `sane_get_devices` lists it.
public struct SANEDeviceInfo: Sendable, Equatable, Codable {
    /// What `connection.device` names, e.g. `test:0` or `epsonds:libusb:001:004`.
    public var name: String
    public var vendor: String
    public var model: String
    /// E.g. `flatbed scanner`, `virtual device`.
    public var type: String
}

/// sanei_thread backends (the test backend among them) set SIGPIPE to ignored when their reader
/// starts if it was the default, and to the default when it ends if it is ignored — whatever the
/// process had chosen. For that while a write to a closed pipe or socket anywhere in kioskd (a
/// client of a restarted pcscd, say) would kill it. A handler that does nothing is neither, so
/// sanei_thread leaves it alone, and a write gets EPIPE as with SIG_IGN. Put in before every SANE
/// job, since another library may set SIG_IGN again.
enum SIGPIPEGuard {
    static func install() {
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        let handler: @convention(c) (Int32) -> Void = { _ in }
        if let installed = current.__sigaction_handler.sa_handler,
           unsafeBitCast(installed, to: UInt.self) == unsafeBitCast(handler, to: UInt.self) { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGPIPE, &action, nil)
    }
}
