import Foundation

/// The Markdown report: machine, date, command, the goals table, then the details behind each row.
struct Report {
    var machine: Machine
    var loadBefore: String
    var loadAfter: String
    /// How busy the whole machine was during the run, this benchmark and kioskd included.
    var cpu: String
    var date: Date
    var command: String
    var kioskd: String
    var kioskdBuilt: Date?
    var revision: String?
    var configuration: String
    var columns: Int
    var rows: Int
    var settleMs: Double
    var firstFrameQuietMs: Double
    var coldStarts: [ColdStart]
    var breakdown: StartupBreakdown
    var live: LiveResult
    var inProcess: Result<InProcessResult, BenchFailure>?

    // The issue's goals.
    static let firstFrameGoalMs = 150.0
    static let memoryGoalBytes = 40_000_000.0
    static let keypressGoalMs = 5.0
    static let oneFieldGoalBytes = 128.0

    func markdown() -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }

        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        line("## kiosk-bench report")
        line()
        line("- date: \(formatter.string(from: date))")
        line("- machine: `\(machine.uname)`, \(machine.cpu), \(machine.cores) cores, \(machine.memory) memory")
        line("- load average (1, 5, 15 min) at the start: \(loadBefore); at the end: \(loadAfter); CPU during the run (kiosk-bench and kioskd included): \(cpu)")
        line("- command: `\(command)`")
        line("- kioskd: `\(kioskd)`\(kioskd.contains("/release/") ? " (release build)" : kioskd.contains("/debug/") ? " (**debug build**: not what the goals are about)" : "")")
        if let kioskdBuilt { line("- kioskd built: \(formatter.string(from: kioskdBuilt))") }
        if let revision { line("- source tree when the benchmark ran: `\(revision)` (the binary may be older; see the build time)") }
        line("- configuration: `\(configuration)`, terminal \(columns)×\(rows)")
        line()

        let starts = Distribution(coldStarts.map(\.frameComplete))
        let firstBytes = Distribution(coldStarts.map(\.firstByte))
        let frameStarts = Distribution(coldStarts.map(\.frameStart))
        let exits = Distribution(coldStarts.map(\.exitTime) + [live.exitTime])
        let afterWalk = live.memory.first { $0.label.hasPrefix("after walking") }?.memory.rss ?? 0
        let maxRSS = max(live.maxSampledRSSKiB, live.peakRSSKiB)
        let keypad = Distribution(live.keypad.map(\.latency))
        let toggle = Distribution(live.toggles.map(\.latency))
        let fieldBytes = Distribution(live.keypad.map { Double($0.bytes) })
        let steadyBytes = Distribution(live.keypad.filter { !$0.swapsPlaceholder }.map { Double($0.bytes) })
        let toggleBytes = Distribution(live.toggles.map { Double($0.bytes) })

        line("| benchmark | goal | result | verdict |")
        line("|---|---|---|---|")
        line("| start → first frame complete (spawn on a pty until the home screen is drawn and \(firstFrameQuietMs.formatted(0)) ms quiet; median of \(starts.count)) "
             + "| ≤ \(Self.firstFrameGoalMs.formatted(0)) ms | \(ms(starts.median)) (min \(ms(starts.min)), max \(ms(starts.max))) "
             + "| \(verdict(starts.median <= Self.firstFrameGoalMs)) |")
        line("| start → first byte on the terminal (median) | — | \(ms(firstBytes.median)) (min \(ms(firstBytes.min)), max \(ms(firstBytes.max))) | — |")
        line("| start → first frame begins (ESC [2J; median) | — | \(ms(frameStarts.median)) (min \(ms(frameStarts.min)), max \(ms(frameStarts.max))) | — |")
        line("| SIGTERM → exit (median of \(exits.count)) | — | \(ms(exits.median)) (min \(ms(exits.min)), max \(ms(exits.max))) | — |")
        line("| resident memory after the home screen and a walk through the demo (VmRSS) | ≤ 40 MB | \(mb(afterWalk)) "
             + "| \(verdict(Double(afterWalk) * 1024 <= Self.memoryGoalBytes)) |")
        line("| resident memory, highest seen (sampled VmRSS and VmHWM) | ≤ 40 MB | \(mb(maxRSS)) "
             + "| \(verdict(Double(maxRSS) * 1024 <= Self.memoryGoalBytes)) |")
        line("| keypress → flushed frame, keypad digit/Backspace (\(keypad.count) keys) "
             + "| p99 ≤ \(Self.keypressGoalMs.formatted(0)) ms | \(percentiles(keypad)) | \(verdict(keypad.percentile(0.99) <= Self.keypressGoalMs && live.missedKeypad == 0)) |")
        line("| keypress → flushed frame, F2 language toggle, whole screen (\(toggle.count) keys) "
             + "| p99 ≤ \(Self.keypressGoalMs.formatted(0)) ms | \(percentiles(toggle)) | \(verdict(toggle.percentile(0.99) <= Self.keypressGoalMs && live.missedToggles == 0)) |")
        line("| bytes flushed for a one-field change (keypad key) | ≤ \(Int(Self.oneFieldGoalBytes)) B "
             + "| median \(Int(fieldBytes.median)) B, max \(Int(fieldBytes.max)) B (max \(Int(steadyBytes.max)) B when the placeholder is not involved) "
             + "| \(verdict(fieldBytes.max <= Self.oneFieldGoalBytes)) |")
        line("| bytes flushed for a language toggle | — | median \(Int(toggleBytes.median)) B, max \(Int(toggleBytes.max)) B; full first frame \(live.firstFrameBytes) B | — |")
        if case .success(let inside) = inProcess {
            line("| in process: keypad key (session + render + diff) | — | \(microseconds(inside.keypad.total)) | — |")
            line("| in process: language toggle (session + render + diff) | — | \(microseconds(inside.toggle.total)) | — |")
        }
        line()
        if live.missedKeypad > 0 || live.missedToggles > 0 {
            line("**\(live.missedKeypad) keypad keys and \(live.missedToggles) toggles drew nothing within 1 s;** they are left out of the latencies above and fail their rows.")
            line()
        }

        line("### Cold starts")
        line()
        line("Each run spawns `kioskd --demo` on a new pty, reads until the first frame is complete, samples VmRSS, sends SIGTERM and waits for the exit.")
        line()
        line("| run | first byte | frame begins | frame complete | bytes | VmRSS then | SIGTERM → exit | exit |")
        line("|---|---|---|---|---|---|---|---|")
        for (index, run) in coldStarts.enumerated() {
            line("| \(index + 1) | \(ms(run.firstByte)) | \(ms(run.frameStart)) | \(ms(run.frameComplete)) | \(run.bytes) | \(mb(run.rssKiB)) | \(ms(run.exitTime)) | \(run.clean ? run.exit : "**\(run.exit)**") |")
        }
        line()

        let version = Distribution(breakdown.version), checkConfig = Distribution(breakdown.checkConfig)
        line("Where the start-up time goes, spawn to exit on the same pty, median of \(version.count) each:")
        line()
        line("| command | does | median | min | max |")
        line("|---|---|---|---|---|")
        line("| `kioskd --version` | load and link the binary and its libraries, start the Swift runtime, exit | \(ms(version.median)) | \(ms(version.min)) | \(ms(version.max)) |")
        line("| `kioskd check-config` | that, plus read and check the configuration, flows, texts, services and device catalog | \(ms(checkConfig.median)) | \(ms(checkConfig.min)) | \(ms(checkConfig.max)) |")
        line("| `kioskd --demo` to the first frame | that, plus open the store, load the demo data, start the services, draw | \(ms(starts.median)) | \(ms(starts.min)) | \(ms(starts.max)) |")
        line()

        line("### Memory of the long-lived instance")
        line()
        line("| when | VmRSS | anonymous | file-backed | shared | threads |")
        line("|---|---|---|---|---|---|")
        for sample in live.memory {
            let memory = sample.memory
            line("| \(sample.label) | \(mb(memory.rss)) | \(mb(memory.anonymous)) | \(mb(memory.file)) | \(mb(memory.shared)) | \(memory.threads) |")
        }
        line()
        line("Highest VmRSS sampled (after each phase and every 100 keys): \(mb(live.maxSampledRSSKiB)); the kernel's high-water mark (VmHWM) at the end: \(mb(live.peakRSSKiB)).")
        line()
        let screens = live.walk.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        line("The walk visited \(screens.count) screens: \(screens.map { "`\($0)`" }.joined(separator: ", ")).")
        if !live.walkProblems.isEmpty {
            line("Walk problems (the walk goes on regardless): \(live.walkProblems.joined(separator: "; ")).")
        }
        line()

        line("### Keypress → frame")
        line()
        line("A key's bytes are written to the pty master; the latency runs to the read that brought the frame's last byte, "
             + "a frame being over once \(settleMs.formatted(0)) ms pass with nothing more (that wait is not counted). "
             + "Keypad: 12 digits into the empty pickup-code field, then 12 Backspaces, repeated.")
        line()
        line("| keys | n | first byte p50 | p50 | p90 | p99 | max | bytes median | bytes max |")
        line("|---|---|---|---|---|---|---|---|---|")
        let digits = live.keypad.enumerated().filter { if case .digit = KeypadSweep.key(at: $0.offset) { true } else { false } }.map(\.element)
        let backspaces = live.keypad.enumerated().filter { KeypadSweep.key(at: $0.offset) == .backspace }.map(\.element)
        for (label, samples) in [("keypad, all", live.keypad), ("keypad, digits", digits), ("keypad, Backspace", backspaces),
                                 ("keypad, placeholder swapped", live.keypad.filter(\.swapsPlaceholder)),
                                 ("F2 language toggle", live.toggles)] {
            let latency = Distribution(samples.map(\.latency))
            let first = Distribution(samples.map(\.firstByte))
            let bytes = Distribution(samples.map { Double($0.bytes) })
            line("| \(label) | \(latency.count) | \(ms(first.median, 3)) | \(ms(latency.median, 3)) | \(ms(latency.percentile(0.9), 3)) | \(ms(latency.percentile(0.99), 3)) | \(ms(latency.max, 3)) | \(Int(bytes.median)) | \(Int(bytes.max)) |")
        }
        line()

        line("### In process")
        line()
        switch inProcess {
        case nil:
            line("Skipped (`--skip-in-process`).")
        case .failure(let failure):
            line("Not run: \(failure.description). See the header of `Benchmarks/kiosk-bench/InProcess.swift`.")
        case .success(let inside):
            line("`Session.screen()`, `ScreenRenderer.render` and `FrameEncoder` called directly at \(columns)×\(rows), the same keys as above; microseconds.")
            line()
            line("| what | n | p50 | p90 | p99 | max | bytes |")
            line("|---|---|---|---|---|---|---|")
            func row(_ label: String, _ distribution: Distribution, _ bytes: String) {
                line("| \(label) | \(distribution.count) | \(distribution.median.formatted(1)) | \(distribution.percentile(0.9).formatted(1)) | \(distribution.percentile(0.99).formatted(1)) | \(distribution.max.formatted(1)) | \(bytes) |")
            }
            row("home: describe the screen", inside.homeDescribe, "")
            row("home: render 80×24 cells", inside.homeRender, "")
            row("home: encode the full frame", inside.homeFullFrame, "\(inside.fullFrameBytes)")
            for (label, summary) in [("keypad key", inside.keypad), ("language toggle", inside.toggle)] {
                let bytes = "median \(Int(summary.bytes.median)), max \(Int(summary.bytes.max))"
                row("\(label): session step + describe", summary.describe, "")
                row("\(label): render", summary.render, "")
                row("\(label): diff", summary.diff, bytes)
                row("\(label): total", summary.total, bytes)
            }
        }
        line()
        return out
    }

    private func verdict(_ met: Bool) -> String { met ? "met" : "**missed**" }

    private func ms(_ value: Double, _ decimals: Int = 1) -> String { value.isNaN ? "—" : "\(value.formatted(decimals)) ms" }

    /// KiB as MB (10⁶ bytes), the unit of the goal, with MiB after it.
    private func mb(_ kib: Int) -> String {
        let bytes = Double(kib) * 1024
        return "\((bytes / 1e6).formatted(1)) MB (\((bytes / 1_048_576).formatted(1)) MiB)"
    }

    private func percentiles(_ distribution: Distribution) -> String {
        guard !distribution.isEmpty else { return "no samples" }
        return "p50 \(distribution.median.formatted(2)), p90 \(distribution.percentile(0.9).formatted(2)), "
            + "p99 \(distribution.percentile(0.99).formatted(2)), max \(distribution.max.formatted(2)) ms"
    }

    private func microseconds(_ distribution: Distribution) -> String {
        guard !distribution.isEmpty else { return "no samples" }
        return "p50 \(distribution.median.formatted(1)) µs, p99 \(distribution.percentile(0.99).formatted(1)) µs"
    }
}
