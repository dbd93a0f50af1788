import Foundation
import PrintingTestBed
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A network receipt printer as CUPS' socket backend sees one (AppSocket, raw TCP): it keeps every
/// byte of each connection. Runs on a thread of its own; `stop()` closes it.
final class RawSocketPrinter: Sendable {
    let port: Int
    private let listener: Int32
    private let jobs = Mutex<[Data]>([])

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BedError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok, listen(fd, 4) == 0 else {
            close(fd)
            throw BedError("bind/listen failed: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    /// The bytes of every finished connection, in order.
    var received: [Data] { jobs.withLock { $0 } }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func serve() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { break }
                data.append(contentsOf: buffer[0..<count])
            }
            close(connection)
            if !data.isEmpty { jobs.withLock { $0.append(data) } }
        }
    }
}
