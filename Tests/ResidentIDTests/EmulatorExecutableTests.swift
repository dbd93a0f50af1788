import DeviceKit
import Foundation
import ResidentID
import Testing

/// The `kiosk-ga467-emulator` executable, as an installer runs it: it announces its tty and link, and
/// a driver reads the card through the link.
@Suite struct EmulatorExecutableTests {
    /// The emulator next to the test bundle (both are in the build folder).
    static func executable() throws -> String {
        let test = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: test).deletingLastPathComponent().appendingPathComponent("kiosk-ga467-emulator").path
        try #require(FileManager.default.isExecutableFile(atPath: path), "build kiosk-ga467-emulator first (swift build --build-tests)")
        return path
    }

    @Test func announcesItsLinkAndAnswersAReader() async throws {
        let executable = try Self.executable()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ga467-exe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let link = folder.appendingPathComponent("tty").path
        let output = folder.appendingPathComponent("out").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, output, O_WRONLY | O_APPEND, 0o644)
        let arguments = [executable, "--link", link, "--card", "foreign-2017", "--garbage"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The child starts with no signal blocked, whatever this test thread blocks.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        try #require(posix_spawn(&pid, executable, &actions, &attributes, argv, environ) == 0)
        defer {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }

        // It says where it is once the link exists.
        var announced = ""
        for _ in 0..<500 where !announced.contains("link ") {
            announced = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(announced.contains("tty /dev/pts/"))
        #expect(announced.contains("link \(link)"))

        let port = try SerialPort.openBlocking(path: link, baud: 115_200)
        defer { port.close() }
        var ga467 = GA467Link(port: port)
        #expect(try ga467.transact(.samStatus).status == .success)
        #expect(try ga467.transact(.samID).data == Array("KIOSK-EMU-000001".utf8))
        #expect(try ga467.transact(.findCard).status == .cardFound)
        #expect(try ga467.transact(.selectCard).status == .success)
        let card = try ReadAnswer(data: try ga467.transact(.readWithFingerprint).successData(), withFingerprint: true).card()
        #expect(card.identity.kind == .foreignPermanentResidence)
        #expect(card.identity.nationality == "CAN")
        #expect(card.fingerprint?.count == 1024)
        #expect(try ga467.transact(.readAppendedAddress).status == .noContent)
        #expect(try ga467.transact(.reset).status == .success)
        // After a reset nothing is selected: a read is refused with 23.
        #expect(try ga467.transact(.read).status == .notPermitted)
        #expect(ga467.discardedBytes > 0, "the garbage was skipped")

        // SIGTERM ends it and takes the link away.
        #expect(kill(pid, SIGTERM) == 0)
        var status: Int32 = 0
        for _ in 0..<500 where waitpid(pid, &status, WNOHANG) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(kill(pid, 0) != 0, "the emulator is gone")
        #expect(!FileManager.default.fileExists(atPath: link))
    }
}
