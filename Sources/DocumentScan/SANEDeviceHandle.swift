import CSANE
import DeviceKit
import Foundation

/// An open SANE device. Only ever used inside a job on the SANE thread (``SANERuntime``), so it is
/// deliberately not `Sendable`.
final class SANEDeviceHandle {
    let name: String
    private var handle: SANE_Handle?

    /// Opens the device; a name SANE does not know gives `not-found`. SANE says "invalid
    /// argument" for a device its backend lacks, and the dll meta-backend says "invalid argument"
    /// or, once it has failed to load a backend of that name, "operation not supported".
    init(opening name: String) throws(DeviceError) {
        self.name = name
        var opened: SANE_Handle?
        let status = SANEStatus(sane_open(name, &opened))
        switch status {
        case .good where opened != nil:
            handle = opened
        case .good, .invalid, .unsupported:
            throw DeviceError(code: .notFound, action: .reset,
                              detail: "SANE has no device \(name): unplugged, switched off, misnamed, or its backend is not installed")
        default:
            throw status.error("sane_open \(name)")
        }
    }

    deinit { close() }

    func close() {
        guard let handle else { return }
        sane_close(handle)
        self.handle = nil
    }

    private func open() throws(DeviceError) -> SANE_Handle {
        guard let handle else {
            throw DeviceError(code: .notOpen, action: .reset, detail: "SANE device \(name) is closed")
        }
        return handle
    }

    // MARK: Options

    /// Every option the device has now; the list changes when a set reports RELOAD_OPTIONS, so
    /// callers read it again rather than keep indexes.
    func options() throws(DeviceError) -> [SANEOption] {
        let handle = try open()
        // Option 0 is always the number of options (SANE standard 4.5.2).
        var count: SANE_Int = 0
        let status = SANEStatus(sane_control_option(handle, 0, SANE_ACTION_GET_VALUE, &count, nil))
        guard status == .good else { throw status.error("reading the option count of \(name)") }
        var options: [SANEOption] = []
        for index in 1..<max(1, count) {
            guard let descriptor = sane_get_option_descriptor(handle, index),
                  let option = SANEOption(index: index, descriptor: descriptor.pointee) else { continue }
            options.append(option)
        }
        return options
    }

    func option(named name: String) throws(DeviceError) -> SANEOption? {
        try options().first { $0.name == name && $0.type != .group }
    }

    /// What a set did besides setting: the backend may round the value or change other options.
    struct SetInfo: OptionSet {
        let rawValue: Int32
        static let inexact = SetInfo(rawValue: SANE_INFO_INEXACT)
        static let reloadOptions = SetInfo(rawValue: SANE_INFO_RELOAD_OPTIONS)
        static let reloadParameters = SetInfo(rawValue: SANE_INFO_RELOAD_PARAMS)
    }

    @discardableResult
    func set(_ option: SANEOption, word: Int32) throws(DeviceError) -> SetInfo {
        try checkSettable(option)
        var value = word
        return try control(option, action: SANE_ACTION_SET_VALUE, value: &value)
    }

    @discardableResult
    func set(_ option: SANEOption, string: String) throws(DeviceError) -> SetInfo {
        try checkSettable(option)
        let bytes = Array(string.utf8CString)
        let capacity = max(option.size, 1)
        guard bytes.count <= capacity else {
            throw DeviceError(code: .badOptionValue, action: .configuration,
                              detail: "\(name): option \(option.name) takes at most \(capacity - 1) bytes")
        }
        // The backend may read the whole option size, so the buffer has it all, zero-filled.
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: capacity)
        buffer.update(from: bytes, count: bytes.count)
        return try control(option, action: SANE_ACTION_SET_VALUE, raw: UnsafeMutableRawPointer(buffer))
    }

    func word(of option: SANEOption) throws(DeviceError) -> Int32 {
        var value: SANE_Word = 0
        try control(option, action: SANE_ACTION_GET_VALUE, value: &value)
        return value
    }

    func string(of option: SANEOption) throws(DeviceError) -> String {
        let capacity = max(option.size, 1) + 1
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: capacity)
        try control(option, action: SANE_ACTION_GET_VALUE, raw: UnsafeMutableRawPointer(buffer))
        let length = (0..<(capacity - 1)).first { buffer[$0] == 0 } ?? capacity - 1
        return String(decoding: UnsafeBufferPointer(start: buffer, count: length), as: UTF8.self)
    }

    private func checkSettable(_ option: SANEOption) throws(DeviceError) {
        guard option.isSettable, option.isActive else {
            throw DeviceError(code: .unsupported, action: .configuration,
                              detail: "\(name): option \(option.name) cannot be set now")
        }
    }

    @discardableResult
    private func control(_ option: SANEOption, action: SANE_Action, value: inout SANE_Word) throws(DeviceError) -> SetInfo {
        let word = UnsafeMutablePointer<SANE_Word>.allocate(capacity: 1)
        defer { word.deallocate() }
        word.initialize(to: value)
        let info = try control(option, action: action, raw: UnsafeMutableRawPointer(word))
        value = word.pointee
        return info
    }

    @discardableResult
    private func control(_ option: SANEOption, action: SANE_Action, raw: UnsafeMutableRawPointer?) throws(DeviceError) -> SetInfo {
        let handle = try open()
        var info: SANE_Int = 0
        let status = SANEStatus(sane_control_option(handle, option.index, action, raw, &info))
        guard status == .good else { throw status.error("\(name): option \(option.name)") }
        return SetInfo(rawValue: info)
    }

    // MARK: Acquisition

    func start() -> SANEStatus {
        guard let handle else { return .invalid }
        return SANEStatus(sane_start(handle))
    }

    func parameters() throws(DeviceError) -> SANE_Parameters {
        let handle = try open()
        var parameters = SANE_Parameters()
        let status = SANEStatus(sane_get_parameters(handle, &parameters))
        guard status == .good else { throw status.error("sane_get_parameters on \(name)") }
        return parameters
    }

    /// Reads what the device has, up to the buffer's size: the status and the bytes written.
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>) -> (SANEStatus, Int) {
        guard let handle, let base = buffer.baseAddress else { return (.invalid, 0) }
        var length: SANE_Int = 0
        let status = SANEStatus(sane_read(handle, base, SANE_Int(clamping: buffer.count), &length))
        return (status, Int(max(length, 0)))
    }

    /// Ends the current scan or batch; SANE requires it after the last frame as well as to abort.
    /// After the last frame the backend's reader thread is still on its way out (freeing its
    /// thread cache inside malloc) when the data ends; the asynchronous cancel described below
    /// would catch it there, so it gets a moment to finish first (a whole-suite run hung in free()
    /// that way).
    func cancel() {
        guard let handle else { return }
        usleep(Self.readerSettleMicroseconds)
        sane_cancel(handle)
    }

    /// Aborts a frame that is still being read. Backends built on sanei_thread (the test backend
    /// among them) stop their reader thread with an asynchronous `pthread_cancel`; if that lands
    /// while the reader is inside malloc, glibc's allocator lock is never released and the whole
    /// process later hangs in malloc (seen about once in 600 scans that failed on their first
    /// read). A reader blocked in write() or sleep is safe to cancel, so the frame gets a moment
    /// to reach such a point first: a reader has had it by the time a page is under way, but not
    /// when sane_read fails or a cancel comes right after sane_start. Only failed and cancelled
    /// scans pay the wait.
    func cancelMidFrame() {
        cancel()
    }

    static let readerSettleMicroseconds: useconds_t = 250_000
}
