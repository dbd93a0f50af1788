import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: its `errno` and what it was doing, turned into a ``SealingError`` by the
/// caller, who knows which path and which wording fit.
struct SealingSystemError: Error {
    var code: Int32
    var operation: String

    var reason: String { String(cString: strerror(code)) }

    func sealingError(path: String) -> SealingError {
        .io(path: path, operation: operation, reason: reason)
    }
}

/// An open file descriptor with bounded reads and whole writes, closed at the latest when the
/// value goes away.
///
/// The sealing code works on POSIX descriptors rather than `FileHandle` so that it controls the
/// flags (`O_CLOEXEC`; `O_EXCL` with mode 0600 for files it writes), checks the file it opened
/// with `fstat`, and sees `errno` for its messages.
final class SealingFile {
    let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Opens `path` for reading. `O_NONBLOCK` keeps a FIFO put where a key file should be from
    /// hanging the kiosk; it changes nothing for regular files.
    static func openForReading(_ path: String) throws(SealingSystemError) -> SealingFile {
        let descriptor = retryingOnInterrupt { posixOpen(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard descriptor >= 0 else { throw SealingSystemError(code: errno, operation: "open") }
        return SealingFile(path: path, descriptor: descriptor)
    }

    /// Creates `path` for writing with mode 0600, first removing a file left there by an earlier,
    /// interrupted run. `O_EXCL` refuses to follow a symbolic link put in its place.
    static func createPrivate(_ path: String) throws(SealingSystemError) -> SealingFile {
        if unlink(path) != 0 && errno != ENOENT {
            throw SealingSystemError(code: errno, operation: "remove the leftover")
        }
        let descriptor = retryingOnInterrupt {
            posixOpen(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o600))
        }
        guard descriptor >= 0 else { throw SealingSystemError(code: errno, operation: "create") }
        return SealingFile(path: path, descriptor: descriptor)
    }

    /// What `fstat` says about the open file.
    func status() throws(SealingSystemError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SealingSystemError(code: errno, operation: "inspect") }
        return info
    }

    /// Reads until `count` bytes or the end of the file, whichever comes first; an empty result
    /// means the end of the file.
    func read(upTo count: Int) throws(SealingSystemError) -> Data {
        var buffer = Data(count: count)
        var filled = 0
        var failure: Int32 = 0
        buffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            while filled < count {
                let got = posixRead(descriptor, base + filled, count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 {
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        guard failure == 0 else { throw SealingSystemError(code: failure, operation: "read") }
        buffer.count = filled
        return buffer
    }

    /// Writes all of `data`, resuming after short writes and interruptions.
    func write(_ data: some DataProtocol) throws(SealingSystemError) {
        for region in data.regions {
            var failure: Int32 = 0
            region.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                var written = 0
                while written < raw.count {
                    let wrote = posixWrite(descriptor, base + written, raw.count - written)
                    if wrote >= 0 {
                        written += wrote
                    } else if errno != EINTR {
                        failure = errno
                        return
                    }
                }
            }
            guard failure == 0 else { throw SealingSystemError(code: failure, operation: "write") }
        }
    }

    /// Flushes the file's data and metadata to the disk (`fsync(2)`).
    func sync() throws(SealingSystemError) {
        guard retryingOnInterrupt({ fsync(descriptor) }) == 0 else {
            throw SealingSystemError(code: errno, operation: "sync")
        }
    }

    /// Closes the descriptor; later calls do nothing.
    func close() {
        guard descriptor >= 0 else { return }
        _ = posixClose(descriptor)
        descriptor = -1
    }

    /// Renames `source` to `destination` and syncs the folder, so that the new name survives a
    /// power cut as well as the bytes under it.
    static func rename(_ source: String, to destination: String) throws(SealingSystemError) {
        guard posixRename(source, destination) == 0 else {
            throw SealingSystemError(code: errno, operation: "rename \(source) to")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let directory = retryingOnInterrupt {
            posixOpen(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        guard directory >= 0 else { throw SealingSystemError(code: errno, operation: "open the folder of") }
        defer { _ = posixClose(directory) }
        guard retryingOnInterrupt({ fsync(directory) }) == 0 else {
            throw SealingSystemError(code: errno, operation: "sync the folder of")
        }
    }

    /// Removes `path` if it is there, for clean-up after a failure.
    static func removeIfPresent(_ path: String) {
        _ = unlink(path)
    }

    /// The kind of file `mode` describes, in words for a message.
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a directory"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "an unknown kind of file"
        }
    }
}

/// Runs a system call again while it fails with `EINTR`.
private func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
    while true {
        let result = call()
        if result == -1 && errno == EINTR { continue }
        return result
    }
}

// File-level wrappers: inside `SealingFile` the names `read`, `write`, `close` and `rename` are its
// own methods, which would hide the C functions.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }
private func posixRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
private func posixClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func posixRename(_ source: String, _ destination: String) -> Int32 { rename(source, destination) }
