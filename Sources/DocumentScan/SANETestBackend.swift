import DeviceKit
import Foundation
import Synchronization

/// SANE's `test` backend (virtual scanners `test:0`, `test:1`, … from sane-backends) for tests and
/// test beds, enabled without touching /etc: Debian ships it commented out of
/// /etc/sane.d/dll.conf, so this writes a private configuration directory (a dll.conf naming only
/// `test`, and a test.conf) and points SANE_CONFIG_DIR at it.
///
/// libsane reads SANE_CONFIG_DIR once, at the process's first `sane_init`, and keeps that path
/// for the life of the process even across `sane_exit` (checked with libsane 1.1.1). So this must
/// run before anything in the process uses SANE, and every test target in one test process must
/// use this one function, which makes the directory once. Without a trailing ':' only this
/// directory is searched; with one, SANE would search `.` and /etc/sane.d after it and load the
/// backends of /etc/sane.d/dll.d (airscan, whose network discovery slows every device list).
///
/// Never called by kioskd itself.
public enum SANETestBackend {
    /// How many virtual devices the backend offers (`test:0` … `test:63`); tests take one each
    /// because the backend keeps a device's options while SANE stays initialised.
    public static let deviceCount = 64

    private static let directory = Mutex<Result<String, DeviceError>?>(nil)
    private static let handedOut = Atomic<Int>(0)

    /// Makes the private configuration (once per process) and returns its directory.
    @discardableResult
    public static func enable() throws(DeviceError) -> String {
        try directory.withLock { state throws(DeviceError) -> String in
            if let state { return try state.get() }
            let result = Result { () throws(DeviceError) -> String in try makeDirectory() }
            state = result
            return try result.get()
        }
    }

    /// A device no other caller in this process gets (`test:1` upwards; `test:0` stays for
    /// listing and shared use).
    public static func nextDevice() throws(DeviceError) -> String {
        try enable()
        let number = handedOut.add(1, ordering: .relaxed).newValue
        guard number < deviceCount else {
            throw DeviceError(code: .noTestDevice, action: .configuration,
                              detail: "all \(deviceCount) test backend devices are taken; raise SANETestBackend.deviceCount")
        }
        return "test:\(number)"
    }

    private static func makeDirectory() throws(DeviceError) -> String {
        guard !SANERuntime.shared.hasInitialised else {
            throw DeviceError(code: .saneAlreadyInitialised, action: .configuration,
                              detail: "SANE was initialised before the test backend was enabled; its configuration path is fixed now")
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-sane-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())").path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try "test\n".write(toFile: path + "/dll.conf", atomically: true, encoding: .utf8)
            try "number_of_devices \(deviceCount)\n".write(toFile: path + "/test.conf", atomically: true, encoding: .utf8)
        } catch {
            throw DeviceError(code: .notWritable, action: .configuration, detail: "cannot write \(path): \(error.localizedDescription)")
        }
        guard FileManager.default.fileExists(atPath: backendLibrary) else {
            throw DeviceError(code: .testBackendMissing, action: .configuration,
                              detail: "SANE's test backend is not installed (\(backendLibrary)); install libsane1 / sane-utils")
        }
        setenv("SANE_CONFIG_DIR", path, 1)
        // The directory is tiny; removing it when the process ends keeps /tmp clean.
        atexit {
            if let value = getenv("SANE_CONFIG_DIR") { try? FileManager.default.removeItem(atPath: String(cString: value)) }
        }
        return path
    }

    /// Where Debian's libsane1 keeps the backend.
    static var backendLibrary: String {
        #if arch(x86_64)
        "/usr/lib/x86_64-linux-gnu/sane/libsane-test.so.1"
        #elseif arch(arm64)
        "/usr/lib/aarch64-linux-gnu/sane/libsane-test.so.1"
        #else
        "/usr/lib/sane/libsane-test.so.1"
        #endif
    }
}
