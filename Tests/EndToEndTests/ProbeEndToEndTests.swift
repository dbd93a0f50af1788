import Foundation
import PrintingTestBed
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

@_silgen_name("posix_openpt") private func openMaster(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantPTY(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockPTY(_ fd: Int32) -> Int32
@_silgen_name("ptsname_r") private func ptyName(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32

/// `kioskd probe scanner`, the installer's check, with the real binary: a serial scanner on a
/// pseudo-terminal and SANE's test backend.
@Suite struct ProbeEndToEndTests {
    @Test(.timeLimit(.minutes(1))) func aSerialScannersCodesArePrintedWithTheirKind() async throws {
        let master = openMaster(O_RDWR | O_NOCTTY)
        #expect(master >= 0 && grantPTY(master) == 0 && unlockPTY(master) == 0)
        defer { close(master) }
        var name = [CChar](repeating: 0, count: 128)
        #expect(ptyName(master, &name, name.count) == 0)
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The scanner "reads" the same two codes every 300 ms until the probe is done: bytes written
        // before the probe opened and set up the line are flushed by it, however long it took to
        // start, and the first pair after that is the one it reports. On a thread of its own: `run`
        // blocks this one, and with other tests blocking the rest of the cooperative pool on two
        // cores, a task might never get to write.
        let writer = PTYWriter(master: master, bytes: Array("88001234\r\u{1B}[2Jhi\r".utf8))
        let result = try run(binary("kioskd"), ["probe", "scanner", "--driver", "serial", "--device", path, "--count", "2",
                                                "--timeout", "10", "--content", repositoryRoot.appendingPathComponent("Kiosk").path])
        writer.stop()
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("code 1: 88001234  (pickup-code, 8 bytes)"), "\(result.output)")
        // A code with an escape sequence is refused, and nothing of it reaches the terminal.
        #expect(result.output.contains("code 2:") && result.output.contains("refused"), "\(result.output)")
        #expect(!result.output.contains("\u{1B}"))
    }

    @Test(.timeLimit(.minutes(1))) func nothingScannedIsAOneLineReasonAndExit1() throws {
        let result = try run(binary("kioskd"), ["probe", "scanner", "--driver", "serial", "--device", "/dev/null/nope", "--timeout", "2"])
        #expect(result.status == 1)
        #expect(result.error.hasPrefix("kioskd probe:"), "\(result.error)")
    }

    @Test(.timeLimit(.minutes(1))) func saneTestBackendScansPagesIntoAFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-sane-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "test\n".write(to: folder.appendingPathComponent("dll.conf"), atomically: true, encoding: .utf8)
        let pages = folder.appendingPathComponent("pages").path
        let result = try run("/usr/bin/env", ["SANE_CONFIG_DIR=\(folder.path)", binary("kioskd"), "probe", "scanner", "--driver", "sane",
                                              "--device", "test:0", "--resolution", "50", "--folder", pages, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect((report["devices"] as? [[String: Any]])?.contains { $0["name"] as? String == "test:0" } == true)
        let page = try #require((report["pages"] as? [[String: Any]])?.first)
        let file = try #require(page["file"] as? String)
        #expect(FileManager.default.contents(atPath: file)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        #expect(FileManager.default.fileExists(atPath: pages + "/document.pdf"))
    }
}

/// `kioskd probe identity --driver ga467` against the project's GA 467 emulator on a pseudo-terminal.
@Suite struct ProbeIdentityEndToEndTests {
    @Test(.timeLimit(.minutes(1))) func aResidentIDCardIsReadMaskedUnlessAsked() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-ga467-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("reader").path
        let emulator = try ChildProcess(binary("kiosk-ga467-emulator"), ["--link", link, "--card", "resident-id"],
                                        log: folder.appendingPathComponent("emulator.log").path)
        defer { emulator.terminate() }
        // A start-up wait, not a measure: the release package is built beside the tests.
        try await waitUntil(.seconds(30), "the emulator's pty") { FileManager.default.fileExists(atPath: link) }

        let masked = try run(binary("kioskd"), ["probe", "identity", "--driver", "ga467", "--device", link, "--json", "--timeout", "20"])
        #expect(masked.status == 0, "\(masked.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(masked.output.utf8)) as? [String: Any])
        #expect(report["documentKind"] as? String == "resident-id")
        let number = try #require(report["documentNumber"] as? String)
        #expect(number.contains("*"), "the number is masked by default: \(number)")
        #expect((report["checks"] as? [String: Bool])?["id-number-check-digit"] == true)
        #expect((report["photo"] as? [String: Any])?["format"] as? String == "wlt")

        let full = try run(binary("kioskd"), ["probe", "identity", "--driver", "ga467", "--device", link, "--json",
                                              "--show-personal-data", "--timeout", "20"])
        let fullReport = try #require(try JSONSerialization.jsonObject(with: Data(full.output.utf8)) as? [String: Any])
        let fullNumber = try #require(fullReport["documentNumber"] as? String)
        #expect(fullNumber.count == 18 && !fullNumber.contains("*"))
    }
}

/// Writes the same bytes to a pseudo-terminal every 300 ms on a thread of its own, until stopped;
/// `stop` returns once it wrote for the last time, so the descriptor can be closed.
private final class PTYWriter: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(master: Int32, bytes: [UInt8]) {
        Thread.detachNewThread { [self] in
            while !stopping.load(ordering: .relaxed) {
                usleep(300_000)
                _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            }
            finished.signal()
        }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
    }
}
