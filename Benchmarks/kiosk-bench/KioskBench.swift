import ArgumentParser
import Foundation
import KioskControl
import KioskDaemon
#if canImport(Glibc)
import Glibc
#endif

/// Measures `kioskd --demo` the way a citizen meets it, on a pseudo-terminal, against the issue's goals,
/// and prints a Markdown report on stdout (progress goes to stderr).
struct KioskBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-bench",
        abstract: "Benchmark kioskd --demo on a pseudo-terminal and the offline queue, and print a Markdown report.",
        discussion: """
            Cold starts (spawn to first frame, SIGTERM to exit), then one longer-lived instance: resident \
            memory after the home screen and after walking a few screens, keypress-to-frame latency and \
            bytes for keypad keys and language toggles; then rendering and diffing in process. Then the \
            offline queue on this disk: durable and batched enqueue, enqueue + lease + acknowledge against \
            persist-queue (python3), and a drain to the platform stand-in on loopback (a second table). \
            Then the drivers, and printing against a private cupsd + ippeveprinter that it starts itself \
            (needs cups and cups-ipp-utils, as root). \
            Exits 0 when the benchmark ran, whether or not every goal was met; non-zero when it could not run.
            """)

    /// The parts of the report.
    enum Part: String, ExpressibleByArgument, CaseIterable {
        case terminal
        case queue
        /// The remote window: frame to operator, bytes per key, the kiosk's own latency under observers.
        case remote
        /// The drivers: ICAO read, GA 467 read, code scanned to flow event.
        case drivers
        /// Printing: a cached PDF submitted beside `lp`, a receipt rendered; starts its own cupsd.
        case printing
        /// A tap on the touch panel to the frame at the console.
        case touch
    }

    @Option(help: "The kioskd binary (default: kioskd in the same folder as kiosk-bench).")
    var kioskd: String?

    @Option(help: "The kiosk configuration (default: Kiosk/kiosk.yaml, looked for here and above kiosk-bench's folder).")
    var config: String?

    @Option(help: "Cold starts to measure.")
    var runs = 7

    @Option(help: "Keypad keys to measure (digits and Backspace).")
    var keys = 2000

    @Option(help: "Language toggles (F2) to measure.")
    var toggles = 200

    @Option(help: "A frame counts as complete after this many ms with no new bytes.")
    var settleMs = 10.0

    @Option(help: "The first frame counts as complete after this many ms with no new bytes.")
    var firstFrameQuietMs = 20.0

    @Option(help: "Taps on the touch panel (each waits for its frame and the pressed look's end: about 0.3 s).")
    var touchTaps = 400

    @Option(help: "Terminal columns.")
    var columns = 80

    @Option(help: "Terminal rows.")
    var rows = 24

    @Flag(help: "Skip the in-process rendering benchmark.")
    var skipInProcess = false

    @Option(help: "Run only one part: terminal (kioskd on a pty), queue (the outbox on this disk), remote (the remote window), drivers, printing (starts its own cupsd), or touch (a tap to its frame at the console).")
    var only: Part?

    @Option(help: "Folder for the queue's databases, on the disk to measure (default: .build-bench-data in the repository).")
    var queueData: String?

    @Option(help: "The Python for the persist-queue comparison (it needs persist-queue 1.1.0).")
    var python = "python3"

    @Option(help: "Queue: durable single-item enqueues (and raw fdatasyncs) to time.")
    var queueSingle = 1000

    @Option(help: "Queue: items for the batched enqueue (in batches of 500).")
    var queueBatchItems = 50_000

    @Option(help: "Queue: items for enqueue + lease + acknowledge, ours and persist-queue's.")
    var queueCompareItems = 2000

    @Option(help: "Queue: items drained to the stand-in.")
    var queueDrainItems = 20_000

    func validate() throws {
        guard runs >= 1, keys >= 24, toggles >= 2, toggles % 2 == 0 else {
            throw ValidationError("need --runs ≥ 1, --keys ≥ 24 and an even --toggles ≥ 2")
        }
        guard settleMs > 0, firstFrameQuietMs > 0, columns >= 80, rows >= 24 else {
            throw ValidationError("need positive quiet times and a terminal of at least 80×24")
        }
        guard printJobs >= 1 else { throw ValidationError("need --print-jobs ≥ 1") }
        guard queueSingle >= 1, queueBatchItems >= 1, queueCompareItems >= 1, queueDrainItems >= 1 else {
            throw ValidationError("need at least 1 item for each queue benchmark")
        }
    }

    @Option(help: "Printing: PDFs submitted by the driver, and as many with lp.")
    var printJobs = 30

    @Option(help: "Remote window: keypad keys per measurement.")
    var remoteKeys = 4000

    @Option(help: "Remote window: observers attached for the overhead measurement.")
    var observers = 50

    @Option(help: "Remote window: blocks in which keys with no operator and with the observers alternate.")
    var remoteBlocks = 10

    func run() throws {
        if only == nil || only == .terminal { try runTerminal() }
        if only == nil || only == .queue { try runQueue() }
        if only == nil || only == .remote { try runRemote() }
        if only == nil || only == .drivers { try runDrivers() }
        if only == nil || only == .printing { try runPrinting() }
        if only == nil || only == .touch { try runTouch() }
    }

    private func runTouch() throws {
        let launcher = Launcher(kioskd: try locateKioskd(), configuration: try locateConfiguration(), columns: 80, rows: 24)
        defer { launcher.removeFolders() }
        let result = try TouchBench(launcher: launcher, taps: touchTaps, firstFrameQuiet: nanoseconds(firstFrameQuietMs)).run()
        print(TouchBench.markdown(result, machine: .current(), command: commandLine()), terminator: "")
    }

    private func runPrinting() throws {
        print(try PrintingBench.report(command: commandLine(), runs: printJobs), terminator: "")
    }

    private func runRemote() throws {
        let launcher = Launcher(kioskd: try locateKioskd(), configuration: try locateConfiguration(), columns: columns, rows: rows)
        defer { launcher.removeFolders() }
        let result = try RemoteWindowBench(launcher: launcher, keys: remoteKeys, observers: observers, blocks: remoteBlocks,
                                           settle: nanoseconds(settleMs), firstFrameQuiet: nanoseconds(firstFrameQuietMs)).run()
        print(result.markdown(machine: .current(), command: commandLine()), terminator: "")
    }

    private func runDrivers() throws {
        let repository = Self.locateRepository() ?? FileManager.default.currentDirectoryPath
        print(try DriversBench.report(repository: repository, command: commandLine()), terminator: "")
    }

    /// The offline queue: its own table, after the terminal's report (or alone with `--only queue`).
    private func runQueue() throws {
        let started = Date()
        let loadBefore = Machine.loadAverage()
        let cpuBefore = Machine.CPUTimes.read()
        let repository = Self.locateRepository()
        var settings = QueueBenchSettings(
            dataFolder: queueData ?? ((repository ?? FileManager.default.currentDirectoryPath) as NSString)
                .appendingPathComponent(".build-bench-data"),
            python: python,
            peerScript: ((repository ?? FileManager.default.currentDirectoryPath) as NSString)
                .appendingPathComponent("Benchmarks/persist_queue_bench.py"))
        settings.singleItems = queueSingle
        settings.syncProbes = queueSingle
        settings.batchItems = queueBatchItems
        settings.compareItems = queueCompareItems
        settings.drainItems = queueDrainItems
        let result = try QueueBench.run(settings)
        let report = QueueReport(result: result, machine: .current(), date: started, command: commandLine(),
                                 loadBefore: loadBefore, loadAfter: Machine.loadAverage(),
                                 cpu: Machine.CPUTimes.read().since(cpuBefore))
        print(report.markdown(standalone: only == .queue), terminator: "")
    }

    /// The folder holding Package.swift and Benchmarks/: here or above kiosk-bench's folder.
    private static func locateRepository() -> String? {
        var folders = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = executableFolder()
        for _ in 0..<6 {
            folders.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        return folders.first { folder in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
                && FileManager.default.fileExists(atPath: folder.appendingPathComponent("Benchmarks").path)
        }?.standardizedFileURL.path
    }

    private func runTerminal() throws {
        let started = Date()
        let loadBefore = Machine.loadAverage()
        let cpuBefore = Machine.CPUTimes.read()
        let kioskdPath = try locateKioskd()
        let configPath = try locateConfiguration()
        progress("kioskd: \(kioskdPath)\nconfiguration: \(configPath)")
        let launcher = Launcher(kioskd: kioskdPath, configuration: configPath, columns: columns, rows: rows)
        defer { launcher.removeFolders() }

        var coldStarts: [ColdStart] = []
        for run in 1...runs {
            let result = try launcher.coldStart(number: run, quiet: nanoseconds(firstFrameQuietMs))
            progress("cold start \(run)/\(runs): first byte \(result.firstByte.formatted(1)) ms, "
                     + "frame complete \(result.frameComplete.formatted(1)) ms, exit \(result.exitTime.formatted(1)) ms (\(result.exit))")
            coldStarts.append(result)
        }

        progress("start-up breakdown: kioskd --version and kioskd check-config")
        let breakdown = try launcher.startupBreakdown(runs: runs)

        let live = try LiveBenchmark(launcher: launcher, keys: keys, toggles: toggles,
                                     settle: nanoseconds(settleMs), firstFrameQuiet: nanoseconds(firstFrameQuietMs)).run()

        var inProcess: Result<InProcessResult, BenchFailure>?
        if !skipInProcess {
            progress("in process: rendering and diffing")
            do {
                inProcess = .success(try InProcessBench.run(configurationPath: configPath, columns: columns, rows: rows,
                                                            keys: keys, toggles: toggles))
            } catch let failure as BenchFailure {
                inProcess = .failure(failure)
            }
        }

        let report = Report(machine: .current(), loadBefore: loadBefore, loadAfter: Machine.loadAverage(),
                            cpu: Machine.CPUTimes.read().since(cpuBefore), date: started, command: commandLine(), kioskd: kioskdPath,
                            kioskdBuilt: (try? FileManager.default.attributesOfItem(atPath: kioskdPath))?[.modificationDate] as? Date,
                            revision: Machine.sourceRevision(in: (configPath as NSString).deletingLastPathComponent),
                            configuration: configPath, columns: columns, rows: rows, settleMs: settleMs,
                            firstFrameQuietMs: firstFrameQuietMs, coldStarts: coldStarts, breakdown: breakdown, live: live,
                            inProcess: inProcess)
        print(report.markdown(), terminator: "")
    }

    private func nanoseconds(_ milliseconds: Double) -> UInt64 { UInt64(milliseconds * 1_000_000) }

    private func commandLine() -> String {
        (["kiosk-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    }

    private func locateKioskd() throws -> String {
        let fileManager = FileManager.default
        if let kioskd {
            guard fileManager.isExecutableFile(atPath: kioskd) else { throw BenchFailure("--kioskd \(kioskd): not an executable file") }
            return URL(fileURLWithPath: kioskd).standardizedFileURL.path
        }
        let here = Self.executableFolder()
        let candidate = here.appendingPathComponent("kioskd").path
        guard fileManager.isExecutableFile(atPath: candidate) else {
            throw BenchFailure("no kioskd next to kiosk-bench (looked for \(candidate)); build it or pass --kioskd PATH")
        }
        return candidate
    }

    private func locateConfiguration() throws -> String {
        if let config {
            guard FileManager.default.fileExists(atPath: config) else { throw BenchFailure("--config \(config): no such file") }
            return URL(fileURLWithPath: config).standardizedFileURL.path
        }
        var folders = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = Self.executableFolder()
        for _ in 0..<6 {
            folders.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        for folder in folders {
            let candidate = folder.appendingPathComponent("Kiosk/kiosk.yaml").path
            if FileManager.default.fileExists(atPath: candidate) { return URL(fileURLWithPath: candidate).standardizedFileURL.path }
        }
        throw BenchFailure("cannot find Kiosk/kiosk.yaml here or above kiosk-bench; pass --config PATH")
    }

    private static func executableFolder() -> URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    }
}

func progress(_ message: String) {
    FileHandle.standardError.write(Data("kiosk-bench: \(message)\n".utf8))
}

// MARK: - Starting kioskd

/// Starts `kioskd --demo` on a fresh 80×24 pty, each instance with its own state folder and socket.
final class Launcher {
    let kioskd: String
    let configuration: String
    let columns: Int
    let rows: Int
    private var folders: [String] = []

    init(kioskd: String, configuration: String, columns: Int, rows: Int) {
        self.kioskd = kioskd
        self.configuration = configuration
        self.columns = columns
        self.rows = rows
    }

    struct Instance {
        let process: PTYProcess
        let folder: String
        var socket: String { folder + "/kioskd.sock" }
        var log: String { folder + "/kioskd.log" }
    }

    func start(name: String, extraArguments: [String] = []) throws -> Instance {
        // Short, so the socket path stays well under the 108 bytes of sun_path.
        let folder = "/tmp/kiosk-bench-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        folders.append(folder)
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = environment["TERM"].flatMap { $0.isEmpty || $0 == "dumb" ? nil : $0 } ?? "xterm-256color"
        environment["KIOSK_SOCKET"] = nil
        let process = try PTYProcess(executable: kioskd,
                                     arguments: ["--demo", "--config", configuration, "--state", folder,
                                                 "--socket", folder + "/kioskd.sock"] + extraArguments,
                                     environment: environment, columns: columns, rows: rows)
        return Instance(process: process, folder: folder)
    }

    /// Reads the first frame: bytes until the full-frame clear (ESC [ 2 J) has come and `quiet` has
    /// passed with nothing more.
    func firstFrame(of instance: Instance, quiet: UInt64) throws -> (burst: Burst, clearAt: UInt64) {
        let process = instance.process
        var clearAt: UInt64?
        let burst = process.readBurst(start: process.spawnedAt, quiet: quiet, timeout: 15_000_000_000) { bytes, arrived in
            if clearAt == nil, Self.clearScreenIndex(in: bytes) != nil { clearAt = arrived }
            return clearAt != nil
        }
        guard !burst.timedOut, let clearAt else {
            // The terminal hangs up a moment before the exit can be reaped.
            let deadline = monotonicNanoseconds() + 200_000_000
            while process.isRunning, monotonicNanoseconds() < deadline { usleep(1000) }
            let what = process.isRunning ? "drew no frame within 15 s" : "stopped (\(process.exitDescription)) before drawing a frame"
            let output = String(decoding: burst.bytes.suffix(2000), as: UTF8.self)
            throw BenchFailure("""
                kioskd \(what). On its terminal (\(burst.bytes.count) bytes):
                \(output.isEmpty ? "(nothing)" : output)
                Its log, \(instance.log):
                \(logTail(of: instance))
                """)
        }
        return (burst, clearAt)
    }

    func coldStart(number: Int, quiet: UInt64) throws -> ColdStart {
        let instance = try start(name: "cold\(number)")
        let process = instance.process
        let (burst, clearAt) = try firstFrame(of: instance, quiet: quiet)
        let memory = ProcessMemory.read(pid: process.pid)
        let (exitTime, killed) = process.terminate()
        return ColdStart(firstByte: milliseconds(burst.firstAt! - process.spawnedAt),
                         frameStart: milliseconds(clearAt - process.spawnedAt),
                         frameComplete: milliseconds(burst.lastAt! - process.spawnedAt),
                         bytes: burst.bytes.count, rssKiB: memory?.rss ?? 0, exitTime: milliseconds(exitTime),
                         exit: killed ? "killed after 10 s" : process.exitDescription, clean: process.exitedCleanly)
    }

    /// How long `kioskd --version` (the process and runtime start, and exit) and `kioskd check-config`
    /// (that plus reading and checking the configuration, content and catalog) take, spawn to exit,
    /// on the same kind of pty; milliseconds.
    func startupBreakdown(runs: Int) throws -> StartupBreakdown {
        func time(_ arguments: [String]) throws -> Double {
            let process = try PTYProcess(executable: kioskd, arguments: arguments,
                                         environment: ProcessInfo.processInfo.environment, columns: columns, rows: rows)
            guard let elapsed = process.waitForExit(), process.exitedCleanly else {
                throw BenchFailure("kioskd \(arguments.joined(separator: " ")) did not exit cleanly within 10 s (\(process.exitDescription))")
            }
            return milliseconds(elapsed)
        }
        var breakdown = StartupBreakdown()
        for _ in 0..<runs {
            breakdown.version.append(try time(["--version"]))
            breakdown.checkConfig.append(try time(["check-config", configuration]))
        }
        return breakdown
    }

    func logTail(of instance: Instance) -> String {
        let text = (try? String(contentsOfFile: instance.log, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    func removeFolders() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func clearScreenIndex(in bytes: [UInt8]) -> Int? {
        let clear: [UInt8] = [0x1B, 0x5B, 0x32, 0x4A]
        guard bytes.count >= clear.count else { return nil }
        for index in 0...(bytes.count - clear.count) where bytes[index] == 0x1B {
            if bytes[index..<(index + clear.count)].elementsEqual(clear) { return index }
        }
        return nil
    }
}

struct StartupBreakdown {
    var version: [Double] = []
    var checkConfig: [Double] = []
}

struct ColdStart {
    /// Milliseconds after spawn.
    var firstByte: Double
    var frameStart: Double
    var frameComplete: Double
    var bytes: Int
    var rssKiB: Int
    /// Milliseconds from SIGTERM to the exit.
    var exitTime: Double
    var exit: String
    var clean: Bool
}

// MARK: - The longer-lived instance

struct LiveResult {
    struct MemorySample {
        var label: String
        var memory: ProcessMemory
    }

    struct KeySample {
        var latency: Double        // ms, write to the last byte of the frame
        var firstByte: Double      // ms, write to the first byte
        var bytes: Int
        var swapsPlaceholder = false
    }

    var firstFrameBytes = 0
    var memory: [MemorySample] = []
    /// The highest VmRSS sampled (every 100 keys and after each phase) and the kernel's VmHWM at the end.
    var maxSampledRSSKiB = 0
    var peakRSSKiB = 0
    var walk: [String] = []
    var walkProblems: [String] = []
    var keypad: [KeySample] = []
    var toggles: [KeySample] = []
    var missedKeypad = 0
    var missedToggles = 0
    var exitTime = 0.0
    var exit = ""
}

struct LiveBenchmark {
    let launcher: Launcher
    let keys: Int
    let toggles: Int
    let settle: UInt64
    let firstFrameQuiet: UInt64

    static let escape: [UInt8] = [0x1B]
    static let enter: [UInt8] = [0x0D]
    static let f2: [UInt8] = [0x1B, 0x4F, 0x51]
    static let f5 = Array("\u{1B}[15~".utf8)
    static let f6 = Array("\u{1B}[17~".utf8)

    func run() throws -> LiveResult {
        progress("long-lived instance: first frame")
        let instance = try launcher.start(name: "live")
        let process = instance.process
        var result = LiveResult()
        let (burst, _) = try launcher.firstFrame(of: instance, quiet: firstFrameQuiet)
        result.firstFrameBytes = burst.bytes.count
        let control = Control(socket: instance.socket, process: process)
        guard control.waitUntilReachable() else {
            throw BenchFailure("kioskd's control socket \(instance.socket) did not answer; log:\n\(launcher.logTail(of: instance))")
        }

        func sample(_ label: String?) throws {
            guard let memory = ProcessMemory.read(pid: process.pid) else {
                throw BenchFailure("kioskd (pid \(process.pid)) is gone (\(process.isRunning ? "?" : process.exitDescription)); log:\n\(launcher.logTail(of: instance))")
            }
            result.maxSampledRSSKiB = max(result.maxSampledRSSKiB, memory.rss)
            result.peakRSSKiB = max(result.peakRSSKiB, memory.peakRSS)
            if let label { result.memory.append(.init(label: label, memory: memory)) }
        }

        process.idle(1_000_000_000)
        try sample("home screen, 1 s after the first frame")

        progress("long-lived instance: walking the demo's screens")
        walk(control, into: &result)
        process.idle(500_000_000)
        try sample("after walking \(Set(result.walk).count) screens (\(result.walk.count) keys)")

        // The pickup-code keypad: 1 (collect) then 1 (type a code).
        progress("long-lived instance: \(keys) keypad keys")
        guard control.returnHome() else { throw BenchFailure("could not get back to the home screen after the walk") }
        _ = try control.key(Array("1".utf8), until: { $0.flow == "collect" })
        let opened = try process.press(Array("1".utf8), quiet: 50_000_000)
        guard opened.bytes > 0, control.status()?.flow == "collect" else {
            throw BenchFailure("1, 1 from home did not open the pickup-code keypad")
        }
        for index in 0..<keys {
            let key = KeypadSweep.key(at: index)
            let measured = try process.press(key.bytes, quiet: settle)
            if let last = measured.lastByte, let first = measured.firstByte {
                result.keypad.append(.init(latency: milliseconds(last), firstByte: milliseconds(first), bytes: measured.bytes,
                                           swapsPlaceholder: KeypadSweep.swapsPlaceholder(at: index)))
            } else {
                result.missedKeypad += 1
            }
            if index % 100 == 99 { try sample(nil) }
        }
        try sample("after \(keys) keypad keys")

        progress("long-lived instance: \(toggles) language toggles")
        guard control.returnHome() else { throw BenchFailure("could not get back to the home screen after the keypad") }
        process.idle(100_000_000)
        for index in 0..<toggles {
            let measured = try process.press(Self.f2, quiet: settle)
            if let last = measured.lastByte, let first = measured.firstByte {
                result.toggles.append(.init(latency: milliseconds(last), firstByte: milliseconds(first), bytes: measured.bytes))
            } else {
                result.missedToggles += 1
            }
            if index % 100 == 99 { try sample(nil) }
        }
        try sample("after \(toggles) language toggles (end)")

        let (exitTime, killed) = process.terminate()
        result.exitTime = milliseconds(exitTime)
        result.exit = killed ? "killed after 10 s" : process.exitDescription
        progress("long-lived instance: stopped after \(result.exitTime.formatted(1)) ms (\(result.exit))")
        return result
    }

    /// Serves a citizen or two: collects a certificate with the simulated ID card, queries a
    /// result, reads a service guide, opens the rating and help screens, switches language.
    private func walk(_ control: Control, into result: inout LiveResult) {
        var steps: [WalkStep] = [
            WalkStep("1 collect", "1", until: { $0.flow == "collect" }),
            WalkStep("F5 insert card", Self.f5, until: { $0.step == "choose" }, timeout: 10),
            WalkStep("1 choose the first", "1", until: { $0.step == "take" }, timeout: 30),
            WalkStep("1 taken", "1", until: { $0.step == "receipt" }),
            WalkStep("2 no receipt", "2", until: { $0.step == "rate" }),
            WalkStep("1 rate", "1"),
            WalkStep("F6 remove card", Self.f6),
            WalkStep("Esc", Self.escape, until: { $0.state == "idle" }),
            WalkStep("2 progress", "2", until: { $0.flow == "progress" }),
            WalkStep("1 keypad", "1"),
        ]
        for character in "HK-2026-0042" { steps.append(WalkStep("type \(character)", String(character))) }
        steps += [
            WalkStep("Enter", Self.enter),
            WalkStep("Esc", Self.escape, until: { $0.state == "idle" }),
            WalkStep("3 guide", "3", until: { $0.flow == "guide" }),
            WalkStep("1 first service", "1", until: { $0.step == "checklist" }),
            WalkStep("Esc", Self.escape, until: { $0.state == "idle" }),
            WalkStep("4 rate", "4", until: { $0.flow == "rate" }),
            WalkStep("Esc", Self.escape, until: { $0.state == "idle" }),
            WalkStep("5 help", "5", until: { $0.flow == "help" }),
            WalkStep("Esc", Self.escape, until: { $0.state == "idle" }),
            WalkStep("F2 English", Self.f2, until: { $0.language == "en" }),
            WalkStep("F2 Chinese", Self.f2, until: { $0.language == "zh-Hans" }),
        ]
        for step in steps {
            let (label, bytes, check, timeout) = (step.label, step.bytes, step.check, step.timeout)
            do {
                let status = try control.key(bytes, until: check, timeout: timeout)
                if let status { result.walk.append("\(status.flow)/\(status.step)") }
                if check != nil, status.map({ check!($0) }) != true {
                    result.walkProblems.append("\(label): not reached within \(timeout) s (at \(status.map { "\($0.flow)/\($0.step)" } ?? "?"))")
                }
            } catch {
                result.walkProblems.append("\(label): \(error)")
            }
        }
    }
}

struct WalkStep {
    var label: String
    var bytes: [UInt8]
    var check: ((KioskStatus) -> Bool)?
    var timeout: Double

    init(_ label: String, _ bytes: [UInt8], until check: ((KioskStatus) -> Bool)? = nil, timeout: Double = 3) {
        self.label = label
        self.bytes = bytes
        self.check = check
        self.timeout = timeout
    }

    init(_ label: String, _ text: String, until check: ((KioskStatus) -> Bool)? = nil, timeout: Double = 3) {
        self.init(label, Array(text.utf8), until: check, timeout: timeout)
    }
}

/// kioskd's control socket, to check where the session is between keys (never while timing).
struct Control {
    let socket: String
    let process: PTYProcess

    func status() -> KioskStatus? {
        guard let client = try? ControlClient(path: socket) else { return nil }
        return (try? client.request(ControlRequest(command: .status)))?.status
    }

    func waitUntilReachable() -> Bool {
        let deadline = monotonicNanoseconds() + 5_000_000_000
        while monotonicNanoseconds() < deadline {
            if status() != nil { return true }
            process.idle(20_000_000)
        }
        return false
    }

    /// Sends a key, lets its frame arrive, then waits up to `timeout` seconds for `check` to hold.
    /// Returns the last status seen.
    @discardableResult
    func key(_ bytes: [UInt8], until check: ((KioskStatus) -> Bool)?, timeout: Double = 2) throws -> KioskStatus? {
        // A lone ESC is the Escape key only after 50 ms of quiet, so wait for frames a bit longer.
        _ = try process.press(bytes, quiet: 80_000_000, timeout: 500_000_000)
        var last = status()
        guard let check else { return last }
        let deadline = monotonicNanoseconds() + UInt64(timeout * 1e9)
        while last.map(check) != true, monotonicNanoseconds() < deadline {
            process.idle(25_000_000)
            last = status()
        }
        process.idle(20_000_000)
        return last
    }

    /// Escape until the kiosk is idle on the home screen.
    /// How many operators the kiosk's remote window lists as attached; nil when it does not answer.
    func remoteOperators() -> Int? {
        guard let client = try? ControlClient(path: socket) else { return nil }
        return (try? client.request(ControlRequest(command: .remote)))?.remote?.operators.count
    }

    func returnHome() -> Bool {
        for _ in 0..<4 {
            if let status = status(), status.state == "idle", status.flow == "home" {
                process.idle(50_000_000)
                return true
            }
            _ = try? key(LiveBenchmark.escape, until: { $0.state == "idle" }, timeout: 1)
        }
        return status().map { $0.state == "idle" && $0.flow == "home" } ?? false
    }
}
