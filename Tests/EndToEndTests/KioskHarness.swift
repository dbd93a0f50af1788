import Foundation
import Testing
import TerminalUI

/// The repository root, from this file's place in it.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The real binaries, as `swift build` left them.
func binary(_ name: String) -> String {
    repositoryRoot.appendingPathComponent(".build/debug/\(name)").path
}

struct CommandResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs a program to completion and captures what it printed.
///
/// The program is started with `posix_spawn` and awaited with `waitpid`, not with Foundation's
/// `Process`: `Process.waitUntilExit()` learns of the exit through a socket the child inherits,
/// so it never returns when the child leaves a daemon behind holding that socket — exactly what
/// the first `tmux new-session` does when it starts the tmux server. Output goes through files,
/// not pipes, for the same reason; the child gets no descriptor of ours beyond 0, 1 and 2.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outPath = folder.appendingPathComponent("out").path, errPath = folder.appendingPathComponent("err").path
    let status = try spawnAndWait(executable, arguments, stdout: outPath, stderr: errPath,
                                  directory: repositoryRoot.path)
    let output = try Data(contentsOf: URL(fileURLWithPath: outPath))
    let error = try Data(contentsOf: URL(fileURLWithPath: errPath))
    return CommandResult(status: status, output: String(decoding: output, as: UTF8.self),
                         error: String(decoding: error, as: UTF8.self))
}

/// Spawns `executable` with stdin from /dev/null and stdout/stderr into new files, waits for it,
/// and returns its exit status (128 + N when signal N ended it).
func spawnAndWait(
    _ executable: String, _ arguments: [String], stdout: String, stderr: String, directory: String
) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard GlibcSpawnExtras.closeFrom(&actions, 3) == 0, GlibcSpawnExtras.changeDirectory(&actions, directory) == 0 else {
        throw HarnessError(description: "posix_spawn file actions failed: \(String(cString: strerror(errno)))")
    }
    // The child starts with every signal unblocked and at its default, whatever the test
    // runner's threads have blocked.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t(), allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard spawned == 0 else {
        throw HarnessError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
        guard errno == EINTR else { throw HarnessError(description: "waitpid \(executable): \(String(cString: strerror(errno)))") }
    }
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `…_addchdir_np` (2.29), which the
/// Glibc module does not import; looked up once by name.
private enum GlibcSpawnExtras {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let closeFrom: CloseFrom = unsafeBitCast(symbol("posix_spawn_file_actions_addclosefrom_np"), to: CloseFrom.self)
    static let changeDirectory: ChangeDirectory = unsafeBitCast(symbol("posix_spawn_file_actions_addchdir_np"), to: ChangeDirectory.self)

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer {
        // RTLD_DEFAULT is a null handle in glibc.
        guard let address = dlsym(nil, name) else { fatalError("\(name) is missing: glibc 2.34 or later is needed") }
        return address
    }
}

/// Whether a process is alive: not gone and not a zombie waiting for its parent (tmux) to reap it.
func processIsAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
    return state != "Z" && state != "X"
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// A real `kioskd --demo` running in its own tmux session, as a citizen would meet it, with its own
/// state folder and control socket so tests can run side by side.
final class KioskUnderTest {
    let name: String
    let state: URL
    var socket: String { state.appendingPathComponent("kioskd.sock").path }
    var database: String { state.appendingPathComponent("kiosk.sqlite").path }

    init(columns: Int = 100, rows: Int = 30, config: String? = nil, extraArguments: [String] = [],
         environment: [String: String] = [:]) async throws {
        name = "kiosk-e2e-\(UUID().uuidString.prefix(8))"
        state = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let configArguments = config.map { ["--config", $0] } ?? []
        let settings = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = (["/usr/bin/env"] + settings + [binary("kioskd"), "--demo", "--state", state.path, "--socket", socket]
                       + configArguments + extraArguments)
            .map { "'\($0)'" }.joined(separator: " ")
        let started = try run("/usr/bin/env", ["tmux", "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", command])
        guard started.status == 0 else { throw HarnessError(description: "tmux could not start kioskd (is tmux installed?)") }
        try await waitFor("政务服务自助终端")
        try await waitUntil("the control socket answers") { (try? self.ctl("status").status) == 0 }
    }

    deinit {
        _ = try? run("/usr/bin/env", ["tmux", "kill-session", "-t", name])
        try? FileManager.default.removeItem(at: state)
    }

    /// Presses keys in tmux's names: "1", "Enter", "F2", "Escape", "BSpace", "C-c".
    func press(_ keys: String...) async throws {
        for key in keys {
            let result = try run("/usr/bin/env", ["tmux", "send-keys", "-t", name, key])
            guard result.status == 0 else { throw HarnessError(description: "tmux send-keys \(key): \(result.error)") }
            // A lone Escape needs a quiet moment to be told apart from the start of a sequence.
            if key == "Escape" { try await Task.sleep(for: .milliseconds(150)) }
        }
    }

    /// What is on the screen now (of `pane` when the window is split).
    func screen(pane: String? = nil) throws -> String {
        try run("/usr/bin/env", ["tmux", "capture-pane", "-p", "-t", pane ?? name]).output
    }

    /// Taps `label` as a finger on a touch screen would, in its middle: an SGR mouse press and
    /// release written to the kiosk's terminal. The label must stand alone (spaces or the line's
    /// ends around it) on the first row that also holds `anchor`, when one is given.
    func tap(_ label: String, onRowWith anchor: String? = nil, pane: String? = nil) async throws {
        let rows = try screen(pane: pane).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let row = rows.firstIndex(where: { $0.contains(anchor ?? label) && Self.column(of: label, in: $0) != nil }),
              let column = Self.column(of: label, in: rows[row]) else {
            throw HarnessError(description: "no \"\(label)\" to tap\(anchor.map { " beside \"\($0)\"" } ?? ""); the screen shows:\n\(rows.joined(separator: "\n"))")
        }
        let x = column + max(1, displayWidth(of: label)) / 2 + 1, y = row + 1
        let report = Array("\u{1B}[<0;\(x);\(y)M\u{1B}[<0;\(x);\(y)m".utf8).map { String($0, radix: 16) }
        let sent = try run("/usr/bin/env", ["tmux", "send-keys", "-t", pane ?? name, "-H"] + report)
        guard sent.status == 0 else { throw HarnessError(description: "tmux send-keys -H: \(sent.error)") }
        // Let the kiosk draw the answer before the next look at the screen.
        try await Task.sleep(for: .milliseconds(60))
    }

    /// The display column where `label` stands as a word of its own in `line`.
    static func column(of label: String, in line: String) -> Int? {
        var searchFrom = line.startIndex
        while let found = line.range(of: label, range: searchFrom..<line.endIndex) {
            let before = found.lowerBound == line.startIndex || line[line.index(before: found.lowerBound)] == " "
            let after = found.upperBound == line.endIndex || line[found.upperBound] == " "
            if before && after { return displayWidth(of: String(line[..<found.lowerBound])) }
            searchFrom = found.upperBound
        }
        return nil
    }

    /// Waits until the screen shows `text` and returns it; fails with the screen as it was.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 30) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(description: "waited \(timeout)s for \"\(text)\"; the screen shows:\n\(last)")
    }

    func waitUntil(_ what: String, timeout: TimeInterval = 30, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(description: "waited \(timeout)s for \(what)")
    }

    /// Runs `kioskctl ARGS --socket THIS`.
    @discardableResult
    func ctl(_ arguments: String...) throws -> CommandResult {
        try run(binary("kioskctl"), arguments + ["--socket", socket])
    }

    /// kioskd's process id, from tmux: the first pane's (a test may split the window).
    func pid() throws -> Int32 {
        let text = try run("/usr/bin/env", ["tmux", "list-panes", "-t", name, "-F", "#{pane_pid}"]).output
        guard let pid = text.split(separator: "\n").first.flatMap({ Int32($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw HarnessError(description: "no pane pid in \(text)")
        }
        return pid
    }

    func isRunning() throws -> Bool {
        let alive = processIsAlive(try pid())
        let session = try run("/usr/bin/env", ["tmux", "has-session", "-t", name]).status == 0
        return alive && session
    }

    /// The outbox rows as `type state` lines, read with the sqlite3 shell so the test shares no code
    /// with the daemon's own store.
    func outboxRows() throws -> [String] {
        let result = try run("/usr/bin/env", ["sqlite3", database, "SELECT type || ' ' || state FROM outbox_item ORDER BY id"])
        guard result.status == 0 else { throw HarnessError(description: "sqlite3: \(result.error)") }
        return result.output.split(separator: "\n").map(String.init)
    }

    func sql(_ query: String) throws -> String {
        let result = try run("/usr/bin/env", ["sqlite3", database, query])
        guard result.status == 0 else { throw HarnessError(description: "sqlite3: \(result.error)") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A copy of the repository's `Kiosk/` and `Devices/` folders that a test may change.
struct KioskCopy {
    let folder: URL
    var config: String { folder.appendingPathComponent("Kiosk/kiosk.yaml").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-copy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["Kiosk", "Devices"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
    }

    /// Replaces text in one file of the copy.
    func edit(_ path: String, replacing old: String, with new: String) throws {
        let url = folder.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.contains(old) else { throw HarnessError(description: "\(path) has no \"\(old)\"") }
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}
