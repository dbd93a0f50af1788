// The offline queue (the outbox) measured on this machine's disk, each number beside its reference:
//
// 1. durable single-item enqueue against the disk's raw `pwrite` 4 KiB + `fdatasync` rate;
// 2. batched enqueue (`enqueueBatch`);
// 3. enqueue + lease + acknowledge against persist-queue's SQLiteAckQueue at the same durability
//    (`Benchmarks/persist_queue_bench.py`, run with python3);
// 4. draining a backlog with the `Uploader` to the platform stand-in, in process, on loopback.
//
// Everything is written under one folder (`--queue-data`, by default `.build-bench-data/` in the
// repository) that must be on a real disk: on tmpfs `fdatasync` returns at once and the numbers
// mean nothing, which the report then says.
import Foundation
import Logging
import Outbox
import PlatformStandIn
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What to run and where.
struct QueueBenchSettings: Sendable {
    /// The folder the databases and the probe file go in; a `queue-PID` folder is made inside and
    /// removed at the end.
    var dataFolder: String
    /// python3, and the persist-queue script.
    var python: String
    var peerScript: String
    var singleItems = 1000
    var syncProbes = 1000
    var batchItems = 50_000
    var batchSize = 500
    var compareItems = 2000
    var leaseSize = 100
    var drainItems = 20_000
    var drainBatch = 500
    /// Payload size in bytes of every item, ours and persist-queue's.
    var payloadBytes = 200
    /// The longest the drain may take before it is given up.
    var drainTimeout: Double = 120
}

// MARK: - Results

/// A rate: `count` operations in `seconds`, and each operation's latency (ms) when timed alone.
struct Rate: Sendable {
    var count: Int
    var seconds: Double
    var latencies: [Double] = []
    /// CPU time of the calling thread over the run, when measured.
    var cpu: CPUTime?

    var perSecond: Double { seconds > 0 ? Double(count) / seconds : .nan }
}

/// The probe, run once before and once after the single-item enqueues. The reference is the
/// faster run of each kind: something else writing to the disk can only slow a run down, and the
/// reference is what the disk can do.
struct SyncProbeResult: Sendable {
    var runs: [SyncProbeRun]

    var overwrite: Rate { runs.map(\.overwrite).max { $0.perSecond < $1.perSecond }! }
    var append: Rate { runs.map(\.append).max { $0.perSecond < $1.perSecond }! }
}

struct SyncProbeRun: Sendable {
    /// Overwriting 4 KiB blocks of a file already written and synced (its blocks allocated), as
    /// SQLite reuses its WAL after a checkpoint.
    var overwrite: Rate
    /// Appending 4 KiB blocks to a growing file, as a fresh WAL grows: each sync also commits the
    /// file system's journal for the new size and blocks.
    var append: Rate
}

struct SingleEnqueueResult: Sendable {
    var rate: Rate
    /// The same latencies split by what the commit did to the WAL file: made it longer (a fresh
    /// WAL grows until the first checkpoint), or wrote over it (SQLite reuses it from the start
    /// after a checkpoint, as a kiosk that has run a while does).
    var grewWAL: [Double]
    var reusedWAL: [Double]
    var settings: KioskStore.Settings
    var walBytesAfter: Int64
}

struct CompareResult: Sendable {
    var items: Int
    var enqueue: Rate
    /// Leasing and acknowledging, batch by batch.
    var deliver: Rate
    var batches: Int
    var total: Rate { Rate(count: items, seconds: enqueue.seconds + deliver.seconds) }
}

/// One line of `persist_queue_bench.py`.
struct PeerResult: Decodable, Sendable {
    struct Connection: Decodable, Sendable {
        var synchronousBefore: Int
        var journalMode: String
        var synchronous: Int
        var walAutocheckpoint: Int
    }

    var library: String
    var version: String
    var queue: String
    var items: Int
    var payloadBytes: Int
    var seconds: Double
    var itemsPerS: Double
    var putSeconds: Double
    var getAckSeconds: Double
    var connections: [Connection]
    var sqlite: String
    var python: String
}

struct DrainResult: Sendable {
    var items: Int
    var rate: Rate
    var requests: Int
    var delivered: Int
    var standInEvents: Int
    var accepted: Int
    var duplicates: Int
    var retries: Int
    var timedOut: Bool
}

struct QueueResult: Sendable {
    var settings: QueueBenchSettings
    var folder: String
    var fileSystem: FileSystemInfo
    var probe: Result<SyncProbeResult, BenchFailure>
    var single: Result<SingleEnqueueResult, BenchFailure>
    var batched: Result<Rate, BenchFailure>
    var compare: Result<CompareResult, BenchFailure>
    var peer: Result<PeerResult, BenchFailure>
    var drain: Result<DrainResult, BenchFailure>
}

// MARK: - Running

enum QueueBench {
    static let quiet = Logger(label: "kiosk-bench.queue", factory: { _ in SwiftLogNoOpLogHandler() })
    static let kioskID = "HK-BENCH-01"
    static let token = "kiosk-bench-token"

    static func run(_ settings: QueueBenchSettings) throws -> QueueResult {
        let folder = (settings.dataFolder as NSString).appendingPathComponent("queue-\(getpid())")
        try? FileManager.default.removeItem(atPath: folder)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw BenchFailure("cannot create the data folder \(folder): \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fileSystem = FileSystemInfo.of(path: folder)
        progress("queue: data in \(folder) (\(fileSystem.summary))")
        if fileSystem.isMemoryBacked {
            progress("queue: WARNING: \(fileSystem.type) keeps data in memory; fdatasync does not reach a disk and the numbers mean nothing")
        }

        func attempt<T>(_ what: String, _ body: () throws -> T) -> Result<T, BenchFailure> {
            do {
                return .success(try body())
            } catch let failure as BenchFailure {
                progress("queue: \(what) failed: \(failure)")
                return .failure(failure)
            } catch {
                progress("queue: \(what) failed: \(error)")
                return .failure(BenchFailure("\(error)"))
            }
        }

        progress("queue: raw pwrite 4 KiB + fdatasync, \(settings.syncProbes) each, overwriting and appending")
        let probeBefore = attempt("the fdatasync probe") { try SyncProbe.measure(folder: folder, count: settings.syncProbes) }

        progress("queue: \(settings.singleItems) durable single-item enqueues")
        let single = attempt("single enqueue") { try singleEnqueue(folder: folder, settings: settings) }

        progress("queue: raw pwrite 4 KiB + fdatasync again")
        let probeAfter = attempt("the fdatasync probe") { try SyncProbe.measure(folder: folder, count: settings.syncProbes) }
        let runs = [probeBefore, probeAfter].compactMap { try? $0.get() }
        let probe: Result<SyncProbeResult, BenchFailure> = runs.isEmpty
            ? probeBefore.map { SyncProbeResult(runs: [$0]) } : .success(SyncProbeResult(runs: runs))

        progress("queue: \(settings.batchItems) items in batches of \(settings.batchSize)")
        let batched = attempt("batched enqueue") { try batchedEnqueue(folder: folder, settings: settings) }

        progress("queue: \(settings.compareItems) items enqueued, leased \(settings.leaseSize) at a time and acknowledged")
        let compare = attempt("enqueue + lease + acknowledge") { try enqueueLeaseAcknowledge(folder: folder, settings: settings) }

        progress("queue: the same with persist-queue (\(settings.python) \(settings.peerScript))")
        let peer = attempt("persist-queue") { try runPeer(folder: folder, settings: settings) }

        progress("queue: draining \(settings.drainItems) items to the stand-in on loopback")
        let drain = attempt("the drain") {
            try runBlocking { try await drainToStandIn(folder: folder, settings: settings) }
        }

        return QueueResult(settings: settings, folder: folder, fileSystem: fileSystem, probe: probe, single: single,
                           batched: batched, compare: compare, peer: peer, drain: drain)
    }

    /// A JSON object of exactly `size` bytes; `persist_queue_bench.py` makes the same.
    static func payload(_ index: Int, size: Int) -> Data {
        let head = #"{"code":"paper-low","device":"printer-1","seq":\#(index),"detail":""#
        let tail = #""}"#
        let pad = max(0, size - head.utf8.count - tail.utf8.count)
        return Data((head + String(repeating: "x", count: pad) + tail).utf8)
    }

    static func openStore(_ folder: String, _ name: String) throws -> KioskStore {
        let path = (folder as NSString).appendingPathComponent(name)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        return try KioskStore(path: path, logger: quiet)
    }

    static func removeStore(_ store: KioskStore) {
        try? store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
    }

    // MARK: 1. Durable single-item enqueue

    static func singleEnqueue(folder: String, settings: QueueBenchSettings) throws -> SingleEnqueueResult {
        let store = try openStore(folder, "single.sqlite")
        defer { removeStore(store) }
        let storeSettings = try store.settings()
        let payloads = (0..<settings.singleItems).map { payload($0, size: settings.payloadBytes) }
        let cpuStarted = CPUTime.thread()
        let walPath = store.path + "-wal"
        func walSize() -> Int64 {
            var info = stat()
            return stat(walPath, &info) == 0 ? Int64(info.st_size) : 0
        }
        var latencies: [Double] = [], grew: [Double] = [], reused: [Double] = []
        latencies.reserveCapacity(payloads.count)
        var walBefore = walSize()
        // The total time includes the stat() between calls (about a microsecond each).
        let started = monotonicNanoseconds()
        for payload in payloads {
            let before = monotonicNanoseconds()
            try store.enqueue(type: .deviceEvent, payload: payload)
            let latency = milliseconds(monotonicNanoseconds() - before)
            latencies.append(latency)
            let walAfter = walSize()
            if walAfter > walBefore { grew.append(latency) } else { reused.append(latency) }
            walBefore = walAfter
        }
        let elapsed = monotonicNanoseconds() - started
        let cpu = CPUTime.thread() - cpuStarted
        guard try store.counts().pending == settings.singleItems else { throw BenchFailure("not every item was queued") }
        return SingleEnqueueResult(rate: Rate(count: payloads.count, seconds: Double(elapsed) / 1e9, latencies: latencies,
                                              cpu: cpu),
                                   grewWAL: grew, reusedWAL: reused, settings: storeSettings, walBytesAfter: walSize())
    }

    // MARK: 2. Batched enqueue

    static func batchedEnqueue(folder: String, settings: QueueBenchSettings) throws -> Rate {
        let store = try openStore(folder, "batched.sqlite")
        defer { removeStore(store) }
        let batches: [[(type: OutboxItemType, payload: Data)]] = stride(from: 0, to: settings.batchItems, by: settings.batchSize).map { first in
            (first..<min(first + settings.batchSize, settings.batchItems)).map { (type: .deviceEvent, payload: payload($0, size: settings.payloadBytes)) }
        }
        var latencies: [Double] = []
        let started = monotonicNanoseconds()
        for batch in batches {
            let before = monotonicNanoseconds()
            try store.enqueueBatch(batch)
            latencies.append(milliseconds(monotonicNanoseconds() - before))
        }
        let elapsed = monotonicNanoseconds() - started
        guard try store.counts().pending == settings.batchItems else { throw BenchFailure("not every item was queued") }
        return Rate(count: settings.batchItems, seconds: Double(elapsed) / 1e9, latencies: latencies)
    }

    // MARK: 3. Enqueue + lease + acknowledge, and persist-queue

    static func enqueueLeaseAcknowledge(folder: String, settings: QueueBenchSettings) throws -> CompareResult {
        let store = try openStore(folder, "compare.sqlite")
        defer { removeStore(store) }
        let payloads = (0..<settings.compareItems).map { payload($0, size: settings.payloadBytes) }
        let started = monotonicNanoseconds()
        for payload in payloads {
            try store.enqueue(type: .deviceEvent, payload: payload)
        }
        let queued = monotonicNanoseconds()
        var acknowledged = 0
        var batches = 0
        while true {
            let leased = try store.leaseBatch(maxItems: settings.leaseSize, maxBytes: 4 << 20)
            if leased.isEmpty { break }
            batches += 1
            acknowledged += try store.markDelivered(leased.map(\.item.id))
        }
        let finished = monotonicNanoseconds()
        guard acknowledged == settings.compareItems, try store.counts().delivered == settings.compareItems else {
            throw BenchFailure("\(acknowledged) of \(settings.compareItems) items acknowledged")
        }
        return CompareResult(items: settings.compareItems,
                             enqueue: Rate(count: settings.compareItems, seconds: Double(queued - started) / 1e9),
                             deliver: Rate(count: settings.compareItems, seconds: Double(finished - queued) / 1e9),
                             batches: batches)
    }

    static func runPeer(folder: String, settings: QueueBenchSettings) throws -> PeerResult {
        guard FileManager.default.fileExists(atPath: settings.peerScript) else {
            throw BenchFailure("no \(settings.peerScript)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [settings.python, settings.peerScript, "--items", "\(settings.compareItems)",
                             "--payload-bytes", "\(settings.payloadBytes)", "--dir", folder]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw BenchFailure("cannot run \(settings.python): \(error)") }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            throw BenchFailure("\(settings.python) \((settings.peerScript as NSString).lastPathComponent) exited with \(process.terminationStatus): \(message.suffix(600))")
        }
        guard let line = String(decoding: stdout, as: UTF8.self).split(separator: "\n").last else {
            throw BenchFailure("persist_queue_bench.py printed nothing")
        }
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(PeerResult.self, from: Data(line.utf8))
        } catch {
            throw BenchFailure("persist_queue_bench.py printed \(line.prefix(300)): \(error)")
        }
    }

    // MARK: 4. Drain to the stand-in

    /// What the uploader reported, and a signal when it has delivered everything.
    final class DrainProgress: Sendable {
        struct Counts {
            var delivered = 0
            var requests = 0
            var retries = 0
        }

        let counts = Mutex(Counts())
        let done = WakeSignal()
        let target: Int

        init(target: Int) { self.target = target }

        func record(_ report: UploadReport) {
            let finished = counts.withLock { counts -> Bool in
                counts.requests += 1
                if report.outcome == "delivered" { counts.delivered += report.items } else { counts.retries += 1 }
                return counts.delivered >= target
            }
            if finished { done.signal() }
        }
    }

    static func drainToStandIn(folder: String, settings: QueueBenchSettings) async throws -> DrainResult {
        let store = try openStore(folder, "drain.sqlite")
        defer { removeStore(store) }
        for first in stride(from: 0, to: settings.drainItems, by: 500) {
            try store.enqueueBatch((first..<min(first + 500, settings.drainItems)).map {
                (type: .deviceEvent, payload: payload($0, size: settings.payloadBytes))
            })
        }
        let platformFolder = URL(fileURLWithPath: folder).appendingPathComponent("platform", isDirectory: true)
        let platform = try await RunningStandIn.start(
            StandInConfiguration(host: "127.0.0.1", port: 0, dataDirectory: platformFolder,
                                 kioskTokens: [kioskID: token], adminToken: "kiosk-bench-admin-token"),
            logger: quiet)
        let client = PlatformClient(endpoint: PlatformEndpoint(
            baseURL: URL(string: platform.baseURL)!, kioskID: kioskID, token: token, requestTimeout: 30))
        do {
            let result = try await drain(store: store, platform: platform, client: client, settings: settings)
            await client.shutdown()
            await platform.stop()
            return result
        } catch {
            await client.shutdown()
            await platform.stop()
            throw error
        }
    }

    private static func drain(
        store: KioskStore, platform: RunningStandIn, client: PlatformClient, settings: QueueBenchSettings
    ) async throws -> DrainResult {
        let progressCounts = DrainProgress(target: settings.drainItems)
        let uploader = Uploader(
            store: store, client: client, link: PlatformLink(),
            settings: UploaderSettings(batchMaxItems: settings.drainBatch, batchMaxBytes: 4 << 20,
                                       backoff: Backoff(base: 0.05, cap: 1), idleInterval: 0.05),
            logger: quiet, report: { progressCounts.record($0) })

        let started = monotonicNanoseconds()
        let deadline = started + UInt64(settings.drainTimeout * 1e9)
        let task = Task { await uploader.run() }
        var timedOut = false
        while progressCounts.counts.withLock({ $0.delivered }) < settings.drainItems {
            let now = monotonicNanoseconds()
            if now >= deadline {
                timedOut = true
                break
            }
            await progressCounts.done.wait(timeout: .nanoseconds(Int64(min(deadline - now, 1_000_000_000))))
        }
        let finished = monotonicNanoseconds()
        task.cancel()
        await task.value

        let counts = try store.counts()
        let events = try await platform.events(kioskId: kioskID)
        let stats = platform.stats()
        let reported = progressCounts.counts.withLock { $0 }
        return DrainResult(items: settings.drainItems,
                           rate: Rate(count: reported.delivered, seconds: Double(finished - started) / 1e9),
                           requests: reported.requests, delivered: counts.delivered, standInEvents: events.count,
                           accepted: stats.itemsAccepted, duplicates: stats.duplicates, retries: reported.retries,
                           timedOut: timedOut)
    }
}

// MARK: - The raw disk

enum SyncProbe {
    /// `count` × (`pwrite` 4 KiB + `fdatasync`) on a file in `folder`: once overwriting the blocks of
    /// a 4 MiB file written and synced beforehand, once appending to an empty file.
    static func measure(folder: String, count: Int) throws -> SyncProbeRun {
        let path = (folder as NSString).appendingPathComponent("fdatasync-probe")
        defer { unlink(path) }
        let blocks = 1024  // 4 MiB: about the size of a WAL at SQLite's default autocheckpoint
        let block = [UInt8](repeating: 0x5A, count: 4096)

        let fd = try open(path, truncate: true)
        for index in 0..<blocks { try write(fd, block, at: index) }
        guard fsync(fd) == 0 else { throw failure("fsync", path) }
        var latencies: [Double] = []
        let cpuStarted = CPUTime.thread()
        let started = monotonicNanoseconds()
        for index in 0..<count {
            let before = monotonicNanoseconds()
            try write(fd, block, at: index % blocks)
            guard fdatasync(fd) == 0 else { throw failure("fdatasync", path) }
            latencies.append(milliseconds(monotonicNanoseconds() - before))
        }
        let overwrite = Rate(count: count, seconds: Double(monotonicNanoseconds() - started) / 1e9, latencies: latencies,
                             cpu: CPUTime.thread() - cpuStarted)
        close(fd)
        unlink(path)

        let appending = try open(path, truncate: true)
        defer { close(appending) }
        latencies = []
        let appendStarted = monotonicNanoseconds()
        for index in 0..<count {
            let before = monotonicNanoseconds()
            try write(appending, block, at: index)
            guard fdatasync(appending) == 0 else { throw failure("fdatasync", path) }
            latencies.append(milliseconds(monotonicNanoseconds() - before))
        }
        let append = Rate(count: count, seconds: Double(monotonicNanoseconds() - appendStarted) / 1e9, latencies: latencies)
        return SyncProbeRun(overwrite: overwrite, append: append)
    }

    private static func open(_ path: String, truncate: Bool) throws -> Int32 {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o600)
        guard fd >= 0 else { throw failure("open", path) }
        return fd
    }

    private static func write(_ fd: Int32, _ block: [UInt8], at index: Int) throws {
        let written = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(index * $0.count)) }
        guard written == block.count else { throw failure("pwrite", "the probe file") }
    }

    private static func failure(_ call: String, _ path: String) -> BenchFailure {
        BenchFailure("\(call) \(path): \(String(cString: strerror(errno)))")
    }
}

/// CPU time of a thread in seconds, in user space and in the kernel (`getrusage(RUSAGE_THREAD)`).
struct CPUTime: Sendable {
    var user: Double
    var system: Double

    var total: Double { user + system }

    static func thread() -> CPUTime {
        var usage = rusage()
        // RUSAGE_THREAD (1) is Linux's and needs _GNU_SOURCE, which the Glibc module does not define.
        getrusage(__rusage_who_t(1), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return CPUTime(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime))
    }

    static func - (lhs: CPUTime, rhs: CPUTime) -> CPUTime {
        CPUTime(user: lhs.user - rhs.user, system: lhs.system - rhs.system)
    }
}

// MARK: - The data folder's file system

struct FileSystemInfo: Sendable {
    var type: String
    var device: String
    var mountPoint: String

    var summary: String { "\(type) on \(device), mounted at \(mountPoint)" }
    var isMemoryBacked: Bool { ["tmpfs", "ramfs"].contains(type) }

    /// The entry of /proc/self/mounts with the longest mount point that holds `path`.
    static func of(path: String) -> FileSystemInfo {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        var best = FileSystemInfo(type: "unknown", device: "unknown", mountPoint: "/")
        var bestLength = -1
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3 else { continue }
            let mountPoint = unescape(String(fields[1]))
            let holds = mountPoint == "/" || resolved == mountPoint || resolved.hasPrefix(mountPoint + "/")
            if holds, mountPoint.count >= bestLength {
                best = FileSystemInfo(type: String(fields[2]), device: unescape(String(fields[0])), mountPoint: mountPoint)
                bestLength = mountPoint.count
            }
        }
        return best
    }

    /// /proc/mounts writes a space as `\040`, a tab as `\011` and so on.
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

// MARK: - Async from the synchronous command

/// Runs `body` on the concurrency runtime and blocks this (non-pool) thread until it is done.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = BlockingOutcome<T>()
    Task {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.result.withLock { $0 = result }
        outcome.finished.signal()
    }
    outcome.finished.wait()
    return try outcome.result.withLock { $0! }.get()
}

/// Where ``runBlocking(_:)`` leaves its result for the waiting thread.
final class BlockingOutcome<T: Sendable>: Sendable {
    let result = Mutex<Result<T, any Error>?>(nil)
    let finished = DispatchSemaphore(value: 0)
}

// MARK: - Report

struct QueueReport {
    var result: QueueResult
    /// For the standalone report (`--only queue`).
    var machine: Machine
    var date: Date
    var command: String
    var loadBefore: String
    var loadAfter: String
    var cpu: String

    static let singleRatioGoal = 0.8
    static let batchedGoal = 20_000.0
    static let peerRatioGoal = 3.0
    static let drainGoal = 5_000.0

    func markdown(standalone: Bool) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        let settings = result.settings
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]

        if standalone {
            line("## kiosk-bench report: offline queue")
            line()
            line("- date: \(formatter.string(from: date))")
            line("- machine: `\(machine.uname)`, \(machine.cpu), \(machine.cores) cores, \(machine.memory) memory")
            line("- load average (1, 5, 15 min) at the start: \(loadBefore); at the end: \(loadAfter); CPU during the run: \(cpu)")
            line("- command: `\(command)`")
        } else {
            line("### Offline queue")
            line()
            line("- started: \(formatter.string(from: date)); load average at the start: \(loadBefore); at the end: \(loadAfter); CPU during this part: \(cpu)")
        }
        line("- data folder: `\(result.folder)` (removed afterwards), \(result.fileSystem.summary)")
        if result.fileSystem.isMemoryBacked {
            line("- **\(result.fileSystem.type) keeps its data in memory: `fdatasync` reaches no disk and these numbers mean nothing. Pass `--queue-data` a folder on a disk.**")
        }
        line("- every item: type `device-event`, a \(settings.payloadBytes)-byte JSON payload, no sealing")
        line()

        line("| benchmark | goal | result | reference | verdict |")
        line("|---|---|---|---|---|")

        // 1
        switch (result.single, result.probe) {
        case let (.success(single), .success(probe)):
            let ratio = single.rate.perSecond / probe.overwrite.perSecond
            let appendRatio = single.rate.perSecond / probe.append.perSecond
            let runs = probe.runs.count == 2 ? "the faster of the runs before and after" : "one run"
            func both(_ rates: [Rate]) -> String {
                rates.count == 2 ? " (before \(perSecond(rates[0].perSecond)), after \(perSecond(rates[1].perSecond)))" : ""
            }
            line("| durable single-item enqueue: \(count(single.rate.count)) × `enqueue`, each its own transaction "
                 + "(WAL, synchronous=FULL) | ≥ \(Self.singleRatioGoal.formatted(1)) × the raw fdatasync rate "
                 + "| **\(perSecond(single.rate.perSecond))** (\(latency(single.rate.latencies))) "
                 + "| raw `pwrite` 4 KiB + `fdatasync` (\(count(probe.overwrite.count)) each, \(runs)), overwriting a synced 4 MiB file: "
                 + "\(perSecond(probe.overwrite.perSecond)) (\(latency(probe.overwrite.latencies)))\(both(probe.runs.map(\.overwrite))) "
                 + "→ ratio **\(ratio.formatted(2))**; appending to a growing file: \(perSecond(probe.append.perSecond)) "
                 + "(\(latency(probe.append.latencies)))\(both(probe.runs.map(\.append))) → ratio \(appendRatio.formatted(2)) "
                 + "| \(verdict(ratio >= Self.singleRatioGoal)) |")
        case let (single, probe):
            line("| durable single-item enqueue | ≥ \(Self.singleRatioGoal.formatted(1)) × raw fdatasync | \(describe(single) { perSecond($0.rate.perSecond) }) "
                 + "| \(describe(probe) { perSecond($0.overwrite.perSecond) }) | **not measured** |")
        }

        // 2
        switch result.batched {
        case .success(let rate):
            line("| batched enqueue: \(count(rate.count)) items, `enqueueBatch` of \(settings.batchSize) per transaction "
                 + "| ≥ \(count(Int(Self.batchedGoal))) items/s | **\(perSecond(rate.perSecond, unit: "items/s"))** "
                 + "(\(rate.latencies.count) transactions in \(rate.seconds.formatted(2)) s; per transaction \(latency(rate.latencies))) "
                 + "| — | \(verdict(rate.perSecond >= Self.batchedGoal)) |")
        case .failure(let failure):
            line("| batched enqueue | ≥ \(count(Int(Self.batchedGoal))) items/s | failed: \(failure.description) | — | **not measured** |")
        }

        // 3
        switch result.compare {
        case .success(let ours):
            line("| enqueue + lease + acknowledge, ours: \(count(ours.items)) × `enqueue`, then `leaseBatch(maxItems: \(settings.leaseSize))` "
                 + "+ `markDelivered` (\(ours.batches) batches) | — | **\(perSecond(ours.total.perSecond, unit: "items/s"))** "
                 + "(\(ours.total.seconds.formatted(2)) s: enqueue \(ours.enqueue.seconds.formatted(2)) s, lease + acknowledge \(ours.deliver.seconds.formatted(3)) s) | | |")
        case .failure(let failure):
            line("| enqueue + lease + acknowledge, ours | — | failed: \(failure.description) | | |")
        }
        switch result.peer {
        case .success(let peer):
            line("| enqueue + lease + acknowledge, persist-queue \(peer.version) `SQLiteAckQueue`: \(count(peer.items)) × `put`, "
                 + "then \(count(peer.items)) × `get` + `ack` | — | **\(perSecond(peer.itemsPerS, unit: "items/s"))** "
                 + "(\(peer.seconds.formatted(2)) s: put \(peer.putSeconds.formatted(2)) s, get + ack \(peer.getAckSeconds.formatted(2)) s; "
                 + "Python \(peer.python), SQLite \(peer.sqlite)) | | |")
        case .failure(let failure):
            line("| enqueue + lease + acknowledge, persist-queue | — | not run: \(failure.description) | | |")
        }
        if case .success(let ours) = result.compare, case .success(let peer) = result.peer {
            let ratio = ours.total.perSecond / peer.itemsPerS
            line("| enqueue + lease + acknowledge, ours ÷ persist-queue, same durability (WAL, synchronous=FULL) "
                 + "| ≥ \(Self.peerRatioGoal.formatted(0))× | **\(ratio.formatted(2))×** | persist-queue \(peer.version) | \(verdict(ratio >= Self.peerRatioGoal)) |")
        } else {
            line("| enqueue + lease + acknowledge, ours ÷ persist-queue | ≥ \(Self.peerRatioGoal.formatted(0))× | — | | **not measured** |")
        }

        // 4
        switch result.drain {
        case .success(let drain):
            let complete = !drain.timedOut && drain.delivered == drain.items && drain.standInEvents == drain.items
            line("| drain to the stand-in on 127.0.0.1: \(count(drain.items)) queued items, `Uploader` with batches of \(settings.drainBatch) "
                 + "| ≥ \(count(Int(Self.drainGoal))) items/s, all delivered once | **\(perSecond(drain.rate.perSecond, unit: "items/s"))** "
                 + "(\(drain.rate.seconds.formatted(2)) s, \(drain.requests) requests\(drain.retries > 0 ? ", \(drain.retries) failed" : "")); "
                 + "delivered \(count(drain.delivered)), stand-in holds \(count(drain.standInEvents)) events "
                 + "(\(count(drain.accepted)) accepted, \(drain.duplicates) duplicates)\(drain.timedOut ? "; **gave up after \(settings.drainTimeout.formatted(0)) s**" : "") "
                 + "| — | \(verdict(complete && drain.rate.perSecond >= Self.drainGoal)) |")
        case .failure(let failure):
            line("| drain to the stand-in | ≥ \(count(Int(Self.drainGoal))) items/s | failed: \(failure.description) | — | **not measured** |")
        }
        line()

        if case .success(let single) = result.single {
            func part(_ values: [Double]) -> String {
                let distribution = Distribution(values)
                guard !distribution.isEmpty else { return "none" }
                return "\(count(values.count)) (p50 \(distribution.median.formatted(3)) ms, mean \(distribution.mean.formatted(3)) ms, "
                    + "as a rate \(perSecond(1000 / distribution.mean)))"
            }
            if let cpu = single.rate.cpu, case .success(let probe) = result.probe, let probeCPU = probe.overwrite.cpu {
                func micro(_ seconds: Double, _ count: Int) -> String { "\((seconds / Double(count) * 1e6).formatted(0)) µs" }
                let items = single.rate.count, syncs = probe.overwrite.count
                line("Where a single-item enqueue's time goes: \(micro(single.rate.seconds, items)) each on average, of which the calling thread "
                     + "spent \(micro(cpu.user, items)) in user space (Swift, GRDB, SQLite) and \(micro(cpu.system, items)) in the kernel "
                     + "(writing the WAL frames, locks, submitting the writes and the sync); the rest it waited for the disk. "
                     + "A raw overwrite + fdatasync (the faster run) takes \(micro(probe.overwrite.seconds, syncs)): "
                     + "\(micro(probeCPU.user, syncs)) user, \(micro(probeCPU.system, syncs)) kernel.")
                line()
            }
            line("The single-item enqueues by what their commit did to the WAL file: made it longer (a new WAL grows until SQLite's first "
                 + "checkpoint at 1,000 pages) \(part(single.grewWAL)); wrote over it (after a checkpoint SQLite reuses the WAL from its start, "
                 + "as in a kiosk that has been running a while; the commits that ran a checkpoint are among these) \(part(single.reusedWAL)).")
            line()
        }

        line("Durability on both sides:")
        line()
        if case .success(let single) = result.single {
            line("- ours: `KioskStore` reads back journal_mode=\(single.settings.journalMode), synchronous=\(single.settings.synchronous) (FULL), "
                 + "one GRDB `DatabaseQueue` connection; the WAL was \(count(Int(single.walBytesAfter))) bytes after the single-item run.")
        }
        if case .success(let peer) = result.peer {
            let connections = peer.connections.map {
                "journal_mode=\($0.journalMode), synchronous=\($0.synchronous) (SQLite's default was \($0.synchronousBefore)), wal_autocheckpoint=\($0.walAutocheckpoint)"
            }
            line("- persist-queue: `\(peer.queue)`, \(peer.connections.count) connection(s): \(connections.joined(separator: "; ")). "
                 + "persist-queue sets `PRAGMA journal_mode=WAL` itself; the script sets `PRAGMA synchronous=FULL` and reads both back. "
                 + "Every `put`, `get` and `ack` is its own committed transaction.")
        }
        line()
        return out
    }

    private func verdict(_ met: Bool) -> String { met ? "met" : "**missed**" }

    private func count(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0, character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    private func perSecond(_ value: Double, unit: String = "/s") -> String {
        guard value.isFinite else { return "—" }
        let rounded = value >= 100 ? count(Int(value.rounded())) : value.formatted(1)
        return unit == "/s" ? "\(rounded)/s" : "\(rounded) \(unit)"
    }

    private func latency(_ values: [Double]) -> String {
        let distribution = Distribution(values)
        guard !distribution.isEmpty else { return "no samples" }
        return "p50 \(distribution.median.formatted(3)), p99 \(distribution.percentile(0.99).formatted(3)), max \(distribution.max.formatted(2)) ms"
    }

    private func describe<T>(_ result: Result<T, BenchFailure>, _ show: (T) -> String) -> String {
        switch result {
        case .success(let value): show(value)
        case .failure(let failure): "failed: \(failure.description)"
        }
    }
}
