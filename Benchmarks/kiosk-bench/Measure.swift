import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC), the clock every measurement here uses.
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func milliseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000_000 }

/// A sorted sample with nearest-rank percentiles (p99 of 2,000 samples is the 1,980th smallest).
struct Distribution {
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    var count: Int { sorted.count }
    var isEmpty: Bool { sorted.isEmpty }
    var min: Double { sorted.first ?? .nan }
    var max: Double { sorted.last ?? .nan }

    func percentile(_ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    var median: Double {
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var mean: Double { sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count) }
}

/// Memory figures of a process from /proc/PID/status, in KiB as the kernel writes them.
struct ProcessMemory {
    var rss = 0
    var peakRSS = 0
    var anonymous = 0
    var file = 0
    var shared = 0
    var threads = 0

    static func read(pid: pid_t) -> ProcessMemory? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var memory = ProcessMemory()
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            switch parts[0] {
            case "VmRSS": memory.rss = value
            case "VmHWM": memory.peakRSS = value
            case "RssAnon": memory.anonymous = value
            case "RssFile": memory.file = value
            case "RssShmem": memory.shared = value
            case "Threads": memory.threads = value
            default: break
            }
        }
        return memory.rss > 0 ? memory : nil
    }
}

/// The machine a report was made on.
struct Machine {
    var uname: String
    var cpu: String
    var cores: Int
    var memory: String

    /// The machine's CPU counters from /proc/stat, in ticks: busy (user, nice, system, irq, softirq,
    /// steal), steal alone, and total.
    struct CPUTimes {
        var busy = 0
        var steal = 0
        var total = 0

        static func read() -> CPUTimes {
            let text = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? ""
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return CPUTimes() }
            let values = line.split(separator: " ").dropFirst().compactMap { Int($0) }
            guard values.count >= 8 else { return CPUTimes() }
            // user nice system idle iowait irq softirq steal
            let busy = values[0] + values[1] + values[2] + values[5] + values[6] + values[7]
            return CPUTimes(busy: busy, steal: values[7], total: values.prefix(8).reduce(0, +))
        }

        /// "busy 23 %, steal 0.1 %" over the interval from `earlier` to this.
        func since(_ earlier: CPUTimes) -> String {
            let total = Double(max(1, self.total - earlier.total))
            return "busy \((Double(busy - earlier.busy) / total * 100).formatted(0)) %, "
                + "steal \((Double(steal - earlier.steal) / total * 100).formatted(1)) % of \(Machine.current().cores) cores"
        }
    }

    /// `git describe --always --dirty` of the repository holding `folder`, when git is there.
    static func sourceRevision(in folder: String) -> String? {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", folder, "describe", "--always", "--dirty", "--abbrev=10"]
        let output = Pipe()
        git.standardOutput = output
        git.standardError = FileHandle.nullDevice
        do { try git.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        guard git.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The 1, 5 and 15 minute load averages, to show whether something else was running.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func current() -> Machine {
        var names = utsname()
        Glibc.uname(&names)
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        let system = "\(field(&names.sysname)) \(field(&names.release)) \(field(&names.machine))"
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        var memory = "unknown"
        if let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
           let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            memory = String(format: "%.1f GiB", Double(kib) / 1_048_576)
        }
        return Machine(uname: system, cpu: model, cores: sysconf(Int32(_SC_NPROCESSORS_ONLN)), memory: memory)
    }
}

extension Double {
    /// `12.34` with the given number of decimals.
    func formatted(_ decimals: Int) -> String { String(format: "%.\(decimals)f", self) }
}
