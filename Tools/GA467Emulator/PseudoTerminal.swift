#if canImport(Glibc)
import Glibc
#endif
import DeviceKit

// glibc declares these only under _XOPEN_SOURCE, which the Glibc module does not define; they are
// plain C functions of int and pointer arguments, so they are declared here by their symbol names.
@_silgen_name("posix_openpt") private func posixOpenpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantPT(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockPT(_ fd: Int32) -> Int32
@_silgen_name("ptsname_r") private func ptsnameR(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int32

/// A pseudo-terminal pair for the emulator: the emulator holds the master side, the driver opens the
/// slave path as it would a USB-serial adapter's tty. The emulator also keeps the slave open itself,
/// so the master does not see a hang-up each time the driver closes and reopens the line; and it puts
/// the slave into raw mode from the start, so nothing the driver sends is echoed back at it.
struct PseudoTerminal {
    let master: Int32
    let slaveKeeper: Int32
    let slavePath: String

    static func open() throws(DeviceError) -> PseudoTerminal {
        let master = posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw failure("posix_openpt") }
        guard grantPT(master) == 0, unlockPT(master) == 0 else {
            let error = failure("grantpt/unlockpt")
            _ = Glibc.close(master)
            throw error
        }
        var name = [CChar](repeating: 0, count: 128)
        guard ptsnameR(master, &name, name.count) == 0 else {
            let error = failure("ptsname_r")
            _ = Glibc.close(master)
            throw error
        }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let slave = Glibc.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            let error = failure("open \(path)")
            _ = Glibc.close(master)
            throw error
        }
        var options = termios()
        _ = tcgetattr(slave, &options)
        cfmakeraw(&options)
        _ = tcsetattr(slave, TCSANOW, &options)
        let flags = fcntl(master, F_GETFL)
        _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
        return PseudoTerminal(master: master, slaveKeeper: slave, slavePath: path)
    }

    func close() {
        _ = Glibc.close(slaveKeeper)
        _ = Glibc.close(master)
    }

    private static func failure(_ call: String) -> DeviceError {
        DeviceError(code: .ptyFailed, action: .reset, detail: "\(call): \(String(cString: strerror(errno)))")
    }
}
