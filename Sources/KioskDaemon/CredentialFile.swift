import Foundation

/// A secret the kiosk reads at start: from systemd's credentials directory when the unit passes
/// it (`LoadCredential=` / `LoadCredentialEncrypted=`), else from a configured file that only the
/// kiosk's user may read.
public enum CredentialFile {
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The path the secret is read from: `$CREDENTIALS_DIRECTORY/NAME` if it exists, else `file`.
    ///
    /// - throws: ``Problem`` naming the places looked at, or a file that others may read.
    public static func locate(
        credential name: String, file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Problem) -> String {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        guard let file else {
            let credential = environment["CREDENTIALS_DIRECTORY"].map { "\($0)/\(name)" } ?? "no $CREDENTIALS_DIRECTORY"
            throw Problem(description: "no \(name) found: looked for the systemd credential (\(credential)) and no file is configured")
        }
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw Problem(description: "\(name) file \(file) cannot be read: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw Problem(description: "\(name) file \(file) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw Problem(description: "\(name) file \(file) has mode \(String(mode, radix: 8)) and others may read it: run chmod 600 \(file)")
        }
        guard info.st_uid == geteuid() else {
            throw Problem(description: "\(name) file \(file) belongs to uid \(info.st_uid), not to the kiosk's user (uid \(geteuid())): chown it")
        }
        return file
    }

    /// The secret as one line of text (a bearer token), trimmed.
    public static func readToken(credential name: String, file: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) throws(Problem) -> String {
        let path = try locate(credential: name, file: file, environment: environment)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "\(name) at \(path) cannot be read as text")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: { $0.isNewline || $0 == " " }) else {
            throw Problem(description: "\(name) at \(path) must hold the token alone on one line")
        }
        return token
    }
}
