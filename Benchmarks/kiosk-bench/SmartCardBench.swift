import CardEmulator
import DeviceKit
import Foundation
import SmartCard
#if canImport(Glibc)
import Glibc
#endif

/// Benchmarks of the SmartCard module (issue 3): the host's CPU time for BAC + DG1, and the
/// round-trip time of one APDU through pcscd and vpcd from Swift and from pyscard, against the same
/// emulated card. Not wired into `kiosk-bench` yet: call ``SmartCardBench/run(iterations:roundTrips:)``.
enum SmartCardBench {
    struct Result: Sendable {
        /// Host-side CPU per BAC + EF.COM + DG1 + EF.SOD read (the card's own time subtracted), ms.
        var hostRead: Distribution
        /// The same read including the in-process card's time, ms.
        var wholeRead: Distribution
        /// One GET CHALLENGE through libpcsclite → pcscd → vpcd → emulator and back, ms.
        var swiftRoundTrip: Distribution?
        var pyscardRoundTrip: Distribution?
        var failure: String?

        static let hostReadGoalMs = 5.0

        func markdown() -> String {
            func row(_ name: String, _ distribution: Distribution?) -> String {
                guard let distribution, !distribution.isEmpty else { return "| \(name) | – | – | – | – |" }
                return String(format: "| %@ | %d | %.3f | %.3f | %.3f |", name, distribution.count,
                              distribution.median, distribution.percentile(0.99), distribution.max)
            }
            var lines = ["| measurement (ms) | n | median | p99 | max |", "|---|---|---|---|---|"]
            lines.append(row("BAC + DG1 read, host CPU (goal ≤ \(Self.hostReadGoalMs))", hostRead))
            lines.append(row("BAC + DG1 read, host + in-process card", wholeRead))
            lines.append(row("APDU round trip, Swift (libpcsclite)", swiftRoundTrip))
            lines.append(row("APDU round trip, pyscard", pyscardRoundTrip))
            if let failure { lines.append("\nround trips not measured: \(failure)") }
            return lines.joined(separator: "\n")
        }
    }

    static func run(iterations: Int = 500, roundTrips: Int = 2000) -> Result {
        let (host, whole) = hostRead(iterations: iterations)
        var result = Result(hostRead: host, wholeRead: whole)
        do {
            let (swift, python) = try roundTrip(count: roundTrips)
            result.swiftRoundTrip = swift
            result.pyscardRoundTrip = python
        } catch {
            result.failure = "\(error)"
        }
        return result
    }

    // MARK: Host CPU

    /// Counts the time spent inside the emulated card, so that the host's share can be told apart.
    final class TimedCard: APDUTransport {
        let card: InProcessCard
        var cardNanoseconds: UInt64 = 0
        init(_ card: InProcessCard) { self.card = card }
        func transmit(_ command: [UInt8]) throws(CardError) -> [UInt8] {
            let start = monotonicNanoseconds()
            defer { cardNanoseconds += monotonicNanoseconds() - start }
            return try card.transmit(command)
        }
    }

    static func hostRead(iterations: Int) -> (host: Distribution, whole: Distribution) {
        guard let passport = try? TestPassport() else { return (Distribution([]), Distribution([])) }
        var host: [Double] = []
        var whole: [Double] = []
        for index in 0..<(iterations + 20) {
            let card = TimedCard(InProcessCard(passport: passport))
            let reader = PassportReader(channel: CardChannel(transport: card))
            reader.optionalDataGroups = []
            let start = monotonicNanoseconds()
            guard (try? reader.read(accessKey: passport.accessKey)) != nil else { continue }
            let elapsed = monotonicNanoseconds() - start
            // The first reads warm caches and libcrypto; they are not counted.
            guard index >= 20 else { continue }
            whole.append(milliseconds(elapsed))
            host.append(milliseconds(elapsed - card.cardNanoseconds))
        }
        return (Distribution(host), Distribution(whole))
    }

    // MARK: Round trips through pcscd

    struct BenchFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts a private pcscd with vpcd (as the integration tests do), puts the emulated passport on
    /// its first reader, and times GET CHALLENGE from Swift and then from pyscard.
    static func roundTrip(count: Int) throws -> (Distribution, Distribution) {
        let directory = NSTemporaryDirectory() + "kiosk-bench-pcscd-\(getpid())"
        let socket = directory + "/run/pcscd.comm"
        setenv("PCSCLITE_CSOCK_NAME", socket, 1)
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        try manager.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/conf", withIntermediateDirectories: true)
        defer { try? manager.removeItem(atPath: directory) }
        let port = UInt16.random(in: 30000...50000) & ~1
        let hexPort = "0x" + String(port, radix: 16)
        try "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:\(hexPort)\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID \(hexPort)\n"
            .write(toFile: directory + "/conf/vpcd", atomically: true, encoding: .utf8)
        let script = "mkdir -p /run/pcscd && mount --bind \(directory)/run /run/pcscd && exec /usr/sbin/pcscd -f -c \(directory)/conf"
        let pcscd = try spawn(["/usr/bin/unshare", "-m", "--propagation", "private", "--", "/bin/sh", "-c", script],
                              output: directory + "/pcscd.log")
        defer {
            kill(pcscd, SIGTERM)
            var status: Int32 = 0
            waitpid(pcscd, &status, 0)
        }
        let card = VPCDCard(port: port, passport: try TestPassport())
        card.start()
        defer { card.stop() }

        var connection: PCSCCard?
        var readerName = ""
        for _ in 0..<100 where connection == nil {
            usleep(100_000)
            guard let context = try? PCSCContext(),
                  let name = try? context.readers().first(where: { $0.hasPrefix("Virtual PCD 00 00") }) else { continue }
            readerName = name
            connection = try? context.connect(reader: name)
        }
        guard let connection else { throw BenchFailure(description: "pcscd with vpcd did not come up") }
        let select = CommandAPDU(ins: 0xA4, p1: 0x04, p2: 0x0C, data: LDSFile.applicationID).bytes
        let challenge = BasicAccessControl.getChallenge.bytes
        _ = try connection.transmit(select)
        var swift: [Double] = []
        for index in 0..<(count + 50) {
            let start = monotonicNanoseconds()
            _ = try connection.transmit(challenge)
            if index >= 50 { swift.append(milliseconds(monotonicNanoseconds() - start)) }
        }
        connection.disconnect(reset: false)

        let python = """
            import json, sys, time
            from smartcard.System import readers
            reader = [r for r in readers() if str(r) == sys.argv[1]][0]
            connection = reader.createConnection()
            connection.connect()
            connection.transmit(\(select))
            samples = []
            for index in range(int(sys.argv[2]) + 50):
                start = time.perf_counter_ns()
                connection.transmit(\(challenge))
                if index >= 50:
                    samples.append((time.perf_counter_ns() - start) / 1e6)
            print(json.dumps(samples))
            """
        try python.write(toFile: directory + "/rtt.py", atomically: true, encoding: .utf8)
        let output = directory + "/pyscard.out"
        let child = try spawn(["/usr/bin/python3", directory + "/rtt.py", readerName, String(count)], output: output)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        guard let text = try? String(contentsOfFile: output, encoding: .utf8),
              let line = text.split(separator: "\n").last,
              let samples = try? JSONDecoder().decode([Double].self, from: Data(line.utf8)) else {
            throw BenchFailure(description: "pyscard run failed: \((try? String(contentsOfFile: output, encoding: .utf8)) ?? "")")
        }
        return (Distribution(swift), Distribution(samples))
    }

    private static func spawn(_ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, output + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environment = ProcessInfo.processInfo.environment.merging(
            ["PCSCLITE_CSOCK_NAME": String(cString: getenv("PCSCLITE_CSOCK_NAME"))]) { $1 }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environment) == 0 else {
            throw BenchFailure(description: "cannot start \(arguments[0])")
        }
        return pid
    }
}
