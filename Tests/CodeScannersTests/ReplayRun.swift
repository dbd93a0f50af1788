import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One run of `usb-scanner-replay` (the real driver and libusb against a umockdev testbed) under
/// libumockdev's preload library, with its output lines.
struct ReplayRun {
    let lines: [String]
    let status: Int32

    var codes: [String] {
        lines.filter { $0.hasPrefix("code ") }.map { line in
            let hex = Array(line.dropFirst(5))
            let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { UInt8(String(hex[$0..<min($0 + 2, hex.count)]), radix: 16) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    var healths: [String] { lines.filter { $0.hasPrefix("health ") }.map { String($0.dropFirst(7)) } }

    func count(_ name: String) -> Int? {
        guard let line = lines.first(where: { $0.hasPrefix("counts ") }) else { return nil }
        for part in line.split(separator: " ") where part.hasPrefix(name + "=") {
            return Int(part.dropFirst(name.count + 1))
        }
        return nil
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Devices/fixtures").standardizedFileURL

    /// The preload library umockdev-run uses; the tests fail (never skip) without it.
    static func preloadLibrary() -> String? {
        for directory in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"] {
            let path = directory + "/libumockdev-preload.so.0"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// The replay program, built next to the test bundle (CodeScannersTests depends on it).
    static func program() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("usb-scanner-replay").path
    }

    /// Runs the program with `arguments` (fixture names are resolved in Devices/fixtures) and waits.
    static func run(_ arguments: [String], timeout: Duration = .seconds(30)) throws -> ReplayRun {
        let preload = try #require(preloadLibrary(), "libumockdev-preload.so.0 is missing: install umockdev and libumockdev-dev")
        let program = program()
        try #require(FileManager.default.isExecutableFile(atPath: program), "\(program) was not built")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("usb-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputPath = directory.appendingPathComponent("out").path
        let errorPath = directory.appendingPathComponent("err").path

        let resolved = arguments.map { argument in
            argument.hasSuffix(".umockdev") || argument.hasSuffix(".ioctl") ? fixtures.appendingPathComponent(argument).path : argument
        }
        let argv = [program] + resolved
        let environment = ["LD_PRELOAD=\(preload)", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TMPDIR=\(directory.path)"]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        let spawned = posix_spawn(&pid, program, &actions, nil, cArguments, cEnvironment)
        try #require(spawned == 0, "cannot start \(program): errno \(spawned)")

        var status: Int32 = 0
        let deadline = ContinuousClock.now + timeout
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                Issue.record("usb-scanner-replay did not finish within \(timeout)")
                break
            }
            usleep(20_000)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0
        if !exited || (status >> 8) & 0xFF != 0 {
            Issue.record("usb-scanner-replay ended with status \(status): \(errors.suffix(2000))")
        }
        return ReplayRun(lines: output.split(separator: "\n").map(String.init), status: status)
    }
}
