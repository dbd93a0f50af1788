import Foundation

/// Bearer tokens come from files, never from the command line, where `ps` would show them.
enum TokenFile {
    /// The token on the file's first line. Refuses a file that group or others may read or
    /// write (only 0600 or 0400 style modes), as OpenSSH refuses a private key.
    static func read(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw UsageError("token file \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw UsageError("token file \(path) is not a regular file") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw UsageError("token file \(path) is readable by others (mode \(String(mode, radix: 8))); "
                + "it must be 0600 or 0400: chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("token file \(path) cannot be read")
        }
        let token = String(decoding: data, as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { throw UsageError("token file \(path) is empty") }
        return token
    }
}
