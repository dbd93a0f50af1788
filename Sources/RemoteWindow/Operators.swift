import Crypto
import Foundation
import TerminalUI
import YAMLData

/// What a hall operator may do through the remote window. Each role has everything the one before
/// it has.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Watches the mirrored screen and the help requests; asks for status.
    case observer
    /// Also chats with the citizen, asks to take over and drives the flow, verifies identity.
    case assistant
    /// Also checks, resets and test-prints the kiosk's devices.
    case technician

    /// The commands this role may send; everything else is answered `forbidden`.
    public var allowedCommands: Set<CommandName> {
        switch self {
        case .observer:
            [.commonStatus]
        case .assistant:
            Role.observer.allowedCommands.union([.chat, .requestTakeover, .input, .endTakeover, .identityVerify])
        case .technician:
            Role.assistant.allowedCommands.union([.deviceStatus, .deviceReset, .deviceTestPrint])
        }
    }

    public func allows(_ command: CommandName) -> Bool { allowedCommands.contains(command) }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A hall operator as the kiosk knows them: a name shown to the citizen and written in the audit
/// log, and a role.
public struct Operator: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var role: Role

    public var description: String { "\(name) (\(role.rawValue))" }
}

/// The operators who may attach to this kiosk, read from a YAML file such as
/// `/etc/kiosk/operators.yaml`:
///
/// ```yaml
/// operators:
///   - name: 王芳
///     role: assistant
///     token-sha256: 3b5d...  # 64 lower-case hex digits: the SHA-256 of the token
/// ```
///
/// Only the SHA-256 of each token is stored, so the file gives nobody a way in. An operator without
/// `token-sha256` can attach only with a client certificate from the hall's CA whose common name is
/// their name.
public struct OperatorDirectory: Sendable {
    public struct Entry: Sendable, Hashable {
        public var `operator`: Operator
        /// SHA-256 of the operator's bearer token; nil when they use a client certificate only.
        public var tokenDigest: [UInt8]?
        /// Where the entry is in its file; 0 when it was made in code.
        public var line: Int

        public init(operator: Operator, tokenDigest: [UInt8]?, line: Int = 0) {
            self.operator = `operator`
            self.tokenDigest = tokenDigest
            self.line = line
        }
    }

    public private(set) var entries: [Entry]

    /// The longest name, in characters: it is shown on the citizen's consent prompt.
    public static let maxNameLength = 40
    /// A longer presented token is refused without hashing it.
    public static let maxTokenBytes = 512

    // MARK: Loading

    /// Reads and checks a directory file. Problems name the file, line and field.
    public static func load(path: String) throws(ConfigProblems) -> OperatorDirectory {
        try read(DataFile(contentsOf: URL(fileURLWithPath: path), displayPath: path))
    }

    /// Reads and checks directory text; `path` is used in problems only.
    public static func parse(_ text: String, path: String) throws(ConfigProblems) -> OperatorDirectory {
        try read(DataFile(path: path, text: text))
    }

    private static func read(_ file: DataFile) throws(ConfigProblems) -> OperatorDirectory {
        var entries: [Entry] = []
        if let root = file.root {
            root.rejectUnknownKeys(["operators"])
            if let list = root.required("operators")?.list() {
                var names: [String: Int] = [:]
                var digests: [[UInt8]: String] = [:]
                for item in list {
                    item.rejectUnknownKeys(["name", "role", "token-sha256"])
                    let nameNode = item.required("name")
                    let name = nameNode?.nonEmptyString()
                    let role = item.required("role")?.oneOf(Role.self)
                    var digest: [UInt8]?
                    var digestOK = true
                    if let hashNode = item.optional("token-sha256") {
                        if let text = hashNode.string() {
                            digest = Self.digest(fromHex: text)
                            if digest == nil {
                                digestOK = false
                                hashNode.problem("expected 64 lower-case hex digits, the SHA-256 of the token (printf %s TOKEN | sha256sum)")
                            }
                        } else {
                            digestOK = false
                        }
                    }
                    if let name, let nameNode {
                        if let problem = Self.problem(withName: name) {
                            nameNode.problem(problem)
                            continue
                        }
                        if let first = names[name] {
                            nameNode.problem("another operator (line \(first)) already has the name \"\(name)\"")
                            continue
                        }
                        names[name] = nameNode.line
                    }
                    if let digest {
                        if let other = digests[digest] {
                            item.optional("token-sha256")?.problem("the same token as operator \"\(other)\"; give each operator a token of their own")
                            continue
                        }
                        digests[digest] = name ?? "?"
                    }
                    guard let name, let role, digestOK else { continue }
                    entries.append(Entry(operator: Operator(name: name, role: role), tokenDigest: digest, line: item.line))
                }
            }
        }
        var log = ProblemLog()
        log.add(contentsOf: file.problems)
        try log.throwIfAny()
        return OperatorDirectory(entries: entries)
    }

    /// Why a name cannot be used, or nil. A name is shown to the citizen and written to the audit
    /// log, so it must be plain text of a sensible length.
    static func problem(withName name: String) -> String? {
        if Sanitizer.clean(name) != name { return "must not contain control characters or escape sequences" }
        if name != name.trimmingCharacters(in: .whitespaces) { return "must not start or end with a space" }
        if name.count > maxNameLength { return "must be at most \(maxNameLength) characters" }
        if name.lowercased() == ChatSender.citizen.wireName { return "\"\(name)\" is how the chat names the citizen; choose another name" }
        return nil
    }

    // MARK: Authentication

    /// The operator whose token this is, or nil.
    ///
    /// The token's SHA-256 is compared with every stored digest, all of them, each in constant time,
    /// so neither the answer's timing nor its path tells how much of a guess was right.
    public func authenticate(token: String) -> Operator? {
        let bytes = Array(token.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maxTokenBytes else { return nil }
        let presented = Array(SHA256.hash(data: bytes))
        var found: Operator?
        for entry in entries {
            guard let digest = entry.tokenDigest else { continue }
            if Self.constantTimeEqual(presented, digest) { found = entry.operator }
        }
        return found
    }

    /// The operator for an HTTP `Authorization` header of the form `Bearer TOKEN`, or nil.
    public func authenticate(authorization: String?) -> Operator? {
        guard let token = Self.bearerToken(authorization) else { return nil }
        return authenticate(token: token)
    }

    /// The operator named by a client certificate's common name. The server must have verified the
    /// certificate's chain to the hall's CA before asking.
    public func authenticate(certificateCommonName name: String) -> Operator? {
        entries.first { $0.operator.name == name }?.operator
    }

    /// `TOKEN` from `Bearer TOKEN` (the scheme in any case, RFC 7235), or nil.
    public static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Whether two byte strings are equal, in time that depends on their length only.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    // MARK: Tokens

    /// A new operator token and what to store for it.
    public struct NewToken: Sendable {
        /// 32 random bytes, base64url without padding (43 characters): give it to the operator once.
        public var token: String
        /// The SHA-256 of the token's UTF-8 bytes, 64 lower-case hex digits.
        public var sha256: String

        /// The `token-sha256:` line of the directory file.
        public var hashLine: String { "token-sha256: \(sha256)" }

        /// A whole directory entry for an operator, to append under `operators:`.
        public func entry(name: String, role: Role) -> String {
            let quoted = String(decoding: (try? JSONEncoder().encode(name)) ?? Data("\"\"".utf8), as: UTF8.self)
            return "  - name: \(quoted)\n    role: \(role.rawValue)\n    \(hashLine)\n"
        }
    }

    /// A random token for `kioskctl remote add-operator`-style tooling.
    public static func makeToken() -> NewToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return NewToken(token: token, sha256: hex(SHA256.hash(data: Array(token.utf8))))
    }

    /// The SHA-256 of a token, as stored in the directory.
    public static func tokenHash(_ token: String) -> String { hex(SHA256.hash(data: Array(token.utf8))) }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// 32 bytes from exactly 64 lower-case hex digits, or nil.
    static func digest(fromHex text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 64 else { return nil }
        func value(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}
