import DeviceKit
import Foundation
import Printing
import PrintingTestBed
#if canImport(Glibc)
import Glibc
#endif

/// Printing's benchmarks (issue 4): submitting a cached one-page PDF through the driver side by
/// side with `lp` on the same file and queue (goal: median ≤ 30 ms), and rendering a receipt
/// (goal: median ≤ 20 ms). `report` starts a private cupsd and ippeveprinter for it (the test
/// bed of the printing tests: own folder, free ports, root needed as for cupsd) and fails when they
/// cannot start: a missing cups or cups-ipp-utils is an error, not a skipped row.
///
/// Submission is timed from the call to the job id (create job, send the document, finish), which
/// is what a flow waits for before it can follow the job; for `lp`, from spawn to exit. Between
/// samples the job is left to complete, untimed, so the machine is not busy filtering earlier jobs.
enum PrintingBench {
    struct Result {
        var submit: Distribution
        var lp: Distribution
        var renderA4: Distribution
        var renderRoll: Distribution
        var escpos: Distribution
        /// CPU time of the rendering thread per receipt (A4): what the render costs when the
        /// machine is not shared, since wall time on a busy 2-core machine includes waiting.
        var renderA4CPU: Distribution
    }

    static func run(server: CUPSServer, queue: String, runs: Int = 30) async throws -> Result {
        let content = ReceiptContent(ReceiptDocument(
            title: "证照领取回执 Certificate collection receipt",
            lines: ["您已领取：食品经营许可证。请妥善保管。", "You have collected: Food business licence. Please keep it safe."],
            trackingNumber: "HN-2026-000042", time: Date(), kioskID: "kiosk-bench",
            qrContent: "https://zwfw.hainan.gov.cn/q/R2026112700042?k=9f3a"))

        func timed(_ count: Int, clock: clockid_t = CLOCK_MONOTONIC, _ body: () throws -> Void) rethrows -> Distribution {
            func now() -> UInt64 {
                var time = timespec()
                clock_gettime(clock, &time)
                return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
            }
            try body()  // warm-up: fonts, caches
            var samples: [Double] = []
            for _ in 0..<count {
                let start = now()
                try body()
                samples.append(milliseconds(now() - start))
            }
            return Distribution(samples)
        }
        let renderA4 = try timed(runs * 3) { _ = try ReceiptRenderer(paper: .a4).render(content) }
        let renderRoll = try timed(runs * 3) { _ = try ReceiptRenderer(paper: .roll80mm).render(content) }
        let escpos = try timed(runs * 3) { _ = try ESCPOSReceipt.encode(content) }
        let renderA4CPU = try timed(runs * 3, clock: CLOCK_THREAD_CPUTIME_ID) { _ = try ReceiptRenderer(paper: .a4).render(content) }

        // The cached certificate: a one-page PDF, on disk for lp, in memory for the driver.
        let pdf = try ReceiptRenderer(paper: .a4).render(content)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-\(getpid()).pdf").path
        try pdf.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }

        let printer = CUPSPrinter(id: "bench", settings: CUPSPrinterSettings(queue: queue, server: server))
        var submit: [Double] = []
        var lp: [Double] = []
        for index in 0...runs {
            let start = monotonicNanoseconds()
            let job = try await printer.submit(document: pdf, format: "application/pdf", title: "bench")
            if index > 0 { submit.append(milliseconds(monotonicNanoseconds() - start)) }  // the first connects
            try await waitForEnd(printer, job)

            let lpStart = monotonicNanoseconds()
            try await runLP(server: server, queue: queue, file: file)
            if index > 0 { lp.append(milliseconds(monotonicNanoseconds() - lpStart)) }
            try await Task.sleep(for: .milliseconds(300))  // let lp's job finish, untimed
        }
        return Result(submit: Distribution(submit), lp: Distribution(lp), renderA4: renderA4, renderRoll: renderRoll, escpos: escpos, renderA4CPU: renderA4CPU)
    }

    private static func waitForEnd(_ printer: CUPSPrinter, _ job: Int32) async throws {
        for _ in 0..<1200 {
            if try await printer.jobStatus(job).state.isFinal { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw PrintingBenchFailure(description: "job \(job) did not end within 30 s")
    }

    /// The part of the report `kiosk-bench --only printing` prints: starts the bed, measures, stops it.
    static func report(command: String, runs: Int = 30) throws -> String {
        let machine = Machine.current()
        let loadBefore = Machine.loadAverage()
        progress("printing: starting a private cupsd and ippeveprinter")
        let outcome = runAwaiting { () async -> Swift.Result<Result, any Error> in
            let bed: PrintBed
            do { bed = try await PrintBed.start(queue: "bench") } catch {
                return .failure(PrintingBenchFailure(description: "could not start a private cupsd + ippeveprinter (cupsd needs root): \(error)"))
            }
            defer { bed.stop() }
            progress("printing: rendering receipts, then \(runs) submissions beside lp")
            do { return .success(try await run(server: bed.server, queue: "bench", runs: runs)) } catch {
                return .failure(PrintingBenchFailure(description: "\(error)\ncupsd's log ends:\n\(bed.cupsLog.suffix(2000))"))
            }
        }
        let result = try outcome.get()
        return "\n## Printing (issue 4)\n\n`\(command)` on `\(machine.uname)`, \(machine.cpu), \(machine.cores) cores; "
            + "load average \(loadBefore) before, \(Machine.loadAverage()) after; a private cupsd with an IPP Everywhere "
            + "queue to ippeveprinter on loopback\n\n" + markdown(result) + "\n"
    }

    /// `lp -h SERVER -d QUEUE FILE`, spawned and awaited on a thread of its own.
    private static func runLP(server: CUPSServer, queue: String, file: String) async throws {
        let arguments = ["/usr/bin/lp", "-h", "\(server)", "-d", queue, "-t", "bench", file]
        let status: Int32 = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
                let argv = arguments.map { strdup($0) } + [nil]
                var pid: pid_t = 0
                var status: Int32 = -1
                if posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 {
                    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                }
                argv.forEach { free($0) }
                posix_spawn_file_actions_destroy(&actions)
                continuation.resume(returning: status)
            }
        }
        guard status == 0 else { throw PrintingBenchFailure(description: "lp exited with status \(status)") }
    }

    static func markdown(_ result: Result) -> String {
        func verdict(_ d: Distribution, _ goal: Double?) -> String {
            guard let goal else { return "" }
            return d.median <= goal ? "met" : "**missed**"
        }
        func row(_ name: String, _ d: Distribution, goal: Double?, beside: Distribution? = nil) -> String {
            let lp = beside.map { "\($0.median.formatted(2)) ms (p90 \($0.percentile(0.9).formatted(2)) ms)" } ?? ""
            return "| \(name) | \(goal.map { "≤ \($0.formatted(0)) ms" } ?? "") | \(d.median.formatted(2)) ms | "
                + "\(d.percentile(0.9).formatted(2)) ms | \(d.max.formatted(2)) ms | \(d.count) | \(lp) | \(verdict(d, goal)) |"
        }
        return """
            | printing | goal (median) | median | p90 | max | samples | `lp` on the same file and queue, spawn to exit (median) | verdict |
            |---|---|---|---|---|---|---|---|
            \(row("submit a cached 1-page PDF (driver: create job, send, finish)", result.submit, goal: 30, beside: result.lp))
            \(row("render a receipt, A4 PDF", result.renderA4, goal: 20))
            \(row("render a receipt, 80 mm roll PDF", result.renderRoll, goal: 20))
            \(row("render a receipt, A4 PDF, CPU time of the thread", result.renderA4CPU, goal: nil))
            \(row("encode a receipt, ESC/POS", result.escpos, goal: nil))
            """
    }
}

struct PrintingBenchFailure: Error, CustomStringConvertible {
    var description: String
}
