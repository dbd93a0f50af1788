import CardEmulator
import DeviceKit
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kioskd probe identity`, the real binary, as an installer runs it: against a private pcscd with
/// vpcd and the real `kiosk-card-emulator` process serving the specimen passport, and against the
/// simulated reader. In PCSCIntegrationTests so that it shares that suite's serialized pcscd.
extension PCSCIntegrationTests {
    private var pcscdLog: String { (try? String(contentsOfFile: bed.logPath, encoding: .utf8).suffix(1500)).map(String.init) ?? "" }

    @Test func probeReadsThePassportThroughPcscdAsJSON() async throws {
        let emulator = try ProbeRun.startEmulator(port: bed.port, log: PCSCTestBed.runDirectory + "/emulator.log")
        defer { ProbeRun.stop(emulator) }
        let photo = PCSCTestBed.runDirectory + "/face.jpg"
        let run = try await ProbeRun.kioskd([
            "probe", "identity", "--driver", "pcsc", "--reader", PCSCTestBed.firstReader,
            "--mrz-key", "L898902C3:740812:120415", "--json", "--show-personal-data", "--photo-out", photo, "--timeout", "60",
        ])
        #expect(run.status == 0, "stderr: \(run.error)\npcscd: \(pcscdLog)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ProbeRun.reportKeys)
        #expect(json["documentKind"] as? String == "passport")
        #expect(json["documentNumber"] as? String == "L898902C3")
        #expect(json["latinName"] as? String == "ERIKSSON ANNA MARIA")
        #expect(json["sex"] as? String == "F")
        #expect(json["nationality"] as? String == "UTO")
        #expect(json["birthDate"] as? String == "1974-08-12")
        #expect(json["expiryDate"] as? String == "2012-04-15")
        #expect(json["address"] is NSNull)
        let photoReport = try #require(json["photo"] as? [String: Any])
        #expect(photoReport["format"] as? String == "jpeg")
        #expect(photoReport["bytes"] as? Int == TinyJPEG.grey8x8.count)
        #expect(json["checks"] as? [String: Bool] == ["bac": true, "secure-messaging": true, "mrz-check-digits": true,
                                                       "dg1-hash": true, "dg2-hash": true])
        #expect(FileManager.default.contents(atPath: photo).map(Array.init) == TinyJPEG.grey8x8)
        let mode = try FileManager.default.attributesOfItem(atPath: photo)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func probeMasksPersonalDataAndRefusesAWrongKey() async throws {
        let emulator = try ProbeRun.startEmulator(port: bed.port, log: PCSCTestBed.runDirectory + "/emulator.log")
        defer { ProbeRun.stop(emulator) }
        let masked = try await ProbeRun.kioskd([
            "probe", "identity", "--driver", "pcsc", "--mrz-key", "L898902C3:740812:120415", "--timeout", "60",
        ])
        #expect(masked.status == 0, "stderr: \(masked.error)\npcscd: \(pcscdLog)")
        #expect(masked.output.contains("documentKind: passport"))
        #expect(masked.output.contains("documentNumber: L898*02C3"))
        #expect(masked.output.contains("latinName: E* ANNA MARIA"))
        #expect(masked.output.contains("birthDate: 1974-**-**"))
        #expect(!masked.output.contains("L898902C3"))
        #expect(!masked.output.contains("ERIKSSON"))
        #expect(!masked.output.contains("08-12"))
        #expect(masked.output.contains("checks: bac passed, dg1-hash passed, dg2-hash passed, mrz-check-digits passed, secure-messaging passed"))

        let wrong = try await ProbeRun.kioskd([
            "probe", "identity", "--driver", "pcsc", "--mrz-key", "L898902C3:740812:130415", "--timeout", "60",
        ])
        #expect(wrong.status == 1)
        #expect(wrong.output.isEmpty)
        let line = wrong.error.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("kioskd probe identity: access-denied: "), "\(wrong.error)")
        #expect(!line.contains("\n"))
        #expect(!line.contains("L898902C3"))
    }

    @Test func probeWithoutADocumentSaysSoWithinItsTimeout() async throws {
        let started = ContinuousClock.now
        let run = try await ProbeRun.kioskd([
            "probe", "identity", "--driver", "pcsc", "--mrz-key", "L898902C3:740812:120415", "--timeout", "2",
        ])
        #expect(run.status == 1)
        #expect(run.error.hasPrefix("kioskd probe identity: no-document: "), "\(run.error)")
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}

@Suite struct SimulatedProbeTests {
    @Test func simulatedPassportAsJSON() async throws {
        let run = try await ProbeRun.kioskd(["probe", "identity", "--driver", "sim", "--mrz-key", "L898902C3:740812:120415", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(Set(json.keys) == ProbeRun.reportKeys)
        #expect(json["documentKind"] as? String == "passport")
        #expect(json["documentNumber"] as? String == "L898*02C3")
        #expect(json["name"] as? String == "E* ANNA MARIA")
        #expect(json["photo"] is NSNull)
        #expect(json["checks"] as? [String: Bool] == [:])
    }

    @Test func simulatedResidentIDCardWithoutAKey() async throws {
        let run = try await ProbeRun.kioskd(["probe", "identity", "--driver", "sim", "--json", "--show-personal-data"])
        #expect(run.status == 0, "\(run.error)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(json["documentKind"] as? String == "resident-id")
        #expect(json["documentNumber"] as? String == "460100199001010027")
        #expect(json["nation"] as? String == "汉")
        #expect(json["address"] as? String == "海南省海口市美兰区测试路1号")
        #expect(run.output.hasPrefix("{\n  \"address\""), "sorted keys")
        #expect(json["validFrom"] as? String == "2020-01-01")
    }

    @Test func badArgumentsAndAWrongKeyFailWithOneLine() async throws {
        let wrong = try await ProbeRun.kioskd(["probe", "identity", "--driver", "sim", "--mrz-key", "L898902C3:740812:130415"])
        #expect(wrong.status == 1)
        #expect(wrong.error.hasPrefix("kioskd probe identity: access-denied: "))
        let badKey = try await ProbeRun.kioskd(["probe", "identity", "--driver", "sim", "--mrz-key", "L898902C3:741312:130415"])
        #expect(badKey.status == 1)
        #expect(badKey.error == "kioskd probe identity: bad-access-key: --mrz-key: MRZ birth-date is not a date\n")
        let noKey = try await ProbeRun.kioskd(["probe", "identity", "--driver", "pcsc"])
        #expect(noKey.status != 0)
        #expect(noKey.error.contains("--driver pcsc needs --mrz-key"))
        let noPhoto = try await ProbeRun.kioskd(["probe", "identity", "--driver", "sim", "--photo-out", "/nonexistent/x.jpg"])
        #expect(noPhoto.status == 1)
        #expect(noPhoto.error.hasPrefix("kioskd probe identity: no-photo: "))
    }
}

/// Runs the built binaries: spawned with posix_spawn, output through files, awaited on a thread of
/// its own (never Foundation's Process, see COMMON.md).
enum ProbeRun {
    static let reportKeys: Set<String> = [
        "documentKind", "documentNumber", "name", "latinName", "sex", "nationality", "nation", "birthDate",
        "expiryDate", "validFrom", "address", "issuer", "photo", "checks",
    ]

    static let products = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug").path

    struct Result: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    static func binary(_ name: String) throws -> String {
        let path = products + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else { throw PCSCTestBed.Failure.missing(path + " (build with swift build --build-tests)") }
        return path
    }

    /// The probe with this process's environment, which points libpcsclite at the private pcscd.
    static func kioskd(_ arguments: [String]) async throws -> Result {
        let program = try binary("kioskd")
        let folder = NSTemporaryDirectory() + "kiosk-probe-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pid = try spawn([program] + arguments, output: folder + "/out", error: folder + "/err")
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                // Killed by a signal: 128 + the signal, as a shell says it, never a clean 0.
                let signal = status & 0x7F
                continuation.resume(returning: signal != 0 ? 128 + signal : (status >> 8) & 0xFF)
            }
        }
        let output = (try? String(contentsOfFile: folder + "/out", encoding: .utf8)) ?? ""
        let error = (try? String(contentsOfFile: folder + "/err", encoding: .utf8)) ?? ""
        return Result(status: status, output: output, error: error)
    }

    /// `kiosk-card-emulator` serving the specimen passport to vpcd on `port`: the card goes in.
    static func startEmulator(port: UInt16, log: String) throws -> pid_t {
        try spawn([try binary("kiosk-card-emulator"), "--port", String(port)], output: log, error: log)
    }

    static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    static func spawn(_ arguments: [String], output: String, error: String) throws -> pid_t {
        _ = PCSCTestBed.runDirectory  // sets PCSCLITE_CSOCK_NAME for this process and its children
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if error == output {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else { throw PCSCTestBed.Failure.missing(arguments[0]) }
        return pid
    }
}
