import Foundation
import Testing

/// The files under `systemd/` as an administrator's systemd reads them: each unit passes
/// `systemd-analyze verify` without a word, kioskd.service keeps its measured exposure
/// (`systemd-analyze security`) at or under 2.5, and the sysusers.d and tmpfiles.d files make the
/// accounts, groups and folders the units name. systemd is not PID 1 here, so nothing is started:
/// these are systemd's own offline checks. Without systemd-analyze the tests fail, never skip.
@Suite struct SystemdUnitTests {
    /// The most `systemd-analyze security kioskd.service` may report (docs/deployment.md).
    static let exposureLimit = 2.5

    static let unitsFolder = repositoryRoot.appendingPathComponent("systemd")

    // MARK: verify

    @Test func kioskdServiceVerifiesWithoutAWord() throws {
        let unit = try Self.stage("kioskd.service")
        try Self.expectCleanVerify(unit)
    }

    @Test func kioskdServiceWithTheEncryptedCredentialsDropInVerifiesWithoutAWord() throws {
        let unit = try Self.stage("kioskd.service",
                                  dropIns: ["credentials.conf": "kioskd-credentials-encrypted.conf"])
        try Self.expectCleanVerify(unit)
    }

    @Test func consoleServiceVerifiesWithoutAWord() throws {
        let unit = try Self.stage("kiosk-console.service")
        // Without kmscon (or man) installed, Documentation=man:kmscon(1) cannot be checked: leave it out.
        try Self.expectCleanVerify(unit, checkManPages: Self.kmsconInstalled
                                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/man"))
    }

    // MARK: security

    @Test func kioskdServiceExposureIsAtMostTheLimit() throws {
        let unit = try Self.stage("kioskd.service")
        let result = try run(try Self.systemdAnalyze(), ["security", "--offline=yes", unit.path])
        let report = result.output + result.error
        guard let match = report.firstMatch(of: /Overall exposure level for kioskd\.service: ([0-9]+\.[0-9]+)/),
              let exposure = Double(match.1) else {
            Issue.record("no overall exposure in systemd-analyze security's report (exit \(result.status)):\n\(report)")
            return
        }
        #expect(exposure <= Self.exposureLimit, "exposure \(exposure) > \(Self.exposureLimit):\n\(Self.failedChecks(report))")
    }

    @Test func consoleServiceExposureStaysLow() throws {
        let unit = try Self.stage("kiosk-console.service")
        let result = try run(try Self.systemdAnalyze(), ["security", "--offline=yes", unit.path])
        let report = result.output + result.error
        let match = report.firstMatch(of: /Overall exposure level for kiosk-console\.service: ([0-9]+\.[0-9]+)/)
        let exposure = match.flatMap { Double($0.1) }
        #expect(exposure != nil, "no overall exposure in:\n\(report)")
        #expect((exposure ?? 10) <= Self.exposureLimit, "\(Self.failedChecks(report))")
    }

    // MARK: sysusers.d and tmpfiles.d

    /// systemd-sysusers, run on an empty root, makes every account and group the units run as,
    /// except Debian's own device groups.
    @Test func sysusersMakesEveryAccountAndGroupTheUnitsName() throws {
        let root = try Self.temporaryFolder("sysusers")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.install("kiosk.sysusers.conf", as: "usr/lib/sysusers.d/kiosk.conf", under: root)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let result = try run(try Self.systemdTool("systemd-sysusers"), ["--root=\(root.path)"])
        #expect(result.status == 0, "systemd-sysusers: \(result.error)")

        let passwd = try Self.table(root.appendingPathComponent("etc/passwd"))
        let group = try Self.table(root.appendingPathComponent("etc/group"))
        let operators = try #require(group["kiosk-operators"], "no group kiosk-operators")
        let kiosk = try #require(passwd["kiosk"], "no user kiosk")
        let console = try #require(passwd["kiosk-console"], "no user kiosk-console")
        // passwd: name, password, uid, gid, gecos, home, shell; group: name, password, gid, members.
        #expect(kiosk[5] == "/var/lib/kiosk")
        #expect(group["kiosk"]?[2] == kiosk[3], "kiosk's primary group is its own")
        #expect(console[3] == operators[2], "kiosk-console's primary group is kiosk-operators")
        #expect(kiosk[6].hasSuffix("nologin") && console[6].hasSuffix("nologin"))

        // Debian's base-passwd and udev make these; the sysusers file must not.
        let debianGroups: Set<String> = ["dialout", "video", "input"]
        for unit in ["kioskd.service", "kiosk-console.service"] {
            let text = try String(contentsOf: Self.unitsFolder.appendingPathComponent(unit), encoding: .utf8)
            for (key, names) in Self.settings(text, ["User", "Group", "SupplementaryGroups"]) {
                for name in names {
                    let known = key == "User" ? passwd[name] != nil : (group[name] != nil || debianGroups.contains(name))
                    #expect(known, "\(unit): \(key)=\(name) is made by neither kiosk.sysusers.conf nor Debian")
                }
            }
        }
    }

    /// systemd-tmpfiles keeps the credentials folder that kioskd.service loads from root's only, and
    /// makes nothing while the administrator has not made it (so a package purge leaves no folder).
    @Test func tmpfilesKeepsTheCredentialsFolderForRootOnly() throws {
        let root = try Self.temporaryFolder("tmpfiles")
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.install("kiosk.tmpfiles.conf", as: "usr/lib/tmpfiles.d/kiosk.conf", under: root)
        let tmpfiles = try Self.systemdTool("systemd-tmpfiles")
        let untouched = try run(tmpfiles, ["--root=\(root.path)", "--create"])
        #expect(untouched.status == 0, "systemd-tmpfiles: \(untouched.error)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/kiosk").path))

        let folder = root.appendingPathComponent("etc/kiosk/credentials").path
        // Made loosely, and by someone else: tmpfiles puts both right.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        try FileManager.default.setAttributes([.ownerAccountID: 65534], ofItemAtPath: folder)
        let result = try run(tmpfiles, ["--root=\(root.path)", "--create"])
        #expect(result.status == 0, "systemd-tmpfiles: \(result.error)")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect((attributes[.ownerAccountID] as? Int) == 0)

        let unit = try String(contentsOf: Self.unitsFolder.appendingPathComponent("kioskd.service"), encoding: .utf8)
        let credentials = Self.settings(unit, ["LoadCredential"]).flatMap(\.1)
        #expect(credentials.sorted() == ["platform-token:/etc/kiosk/credentials/platform-token",
                                         "sealing-key:/etc/kiosk/credentials/sealing-key"])
        let dropIn = try String(contentsOf: Self.unitsFolder.appendingPathComponent("kioskd-credentials-encrypted.conf"),
                                encoding: .utf8)
        let encrypted = Self.settings(dropIn, ["LoadCredentialEncrypted"]).flatMap(\.1)
        #expect(encrypted.map { $0.prefix { $0 != ":" } }.sorted() == ["platform-token", "sealing-key"],
                "the drop-in hands kioskd the same credential names")
    }

    /// The control socket's folder is kioskd.service's RuntimeDirectory, as kioskctl expects it.
    @Test func theControlSocketFolderIsTheRuntimeDirectory() throws {
        let unit = try String(contentsOf: Self.unitsFolder.appendingPathComponent("kioskd.service"), encoding: .utf8)
        let settings = Dictionary(Self.settings(unit, ["RuntimeDirectory", "RuntimeDirectoryMode", "Type", "NotifyAccess", "WatchdogSec"])
            .map { ($0.0, $0.1.joined(separator: " ")) }, uniquingKeysWith: { $1 })
        #expect(settings["RuntimeDirectory"] == "kiosk", "kioskctl looks for /run/kiosk/kioskd.sock")
        #expect(settings["RuntimeDirectoryMode"] == "0755")
        #expect(settings["Type"] == "notify")
        #expect(settings["NotifyAccess"] == "main")
        #expect(settings["WatchdogSec"] == "10s")
    }

    // MARK: helpers

    static var kmsconInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/kmscon") }

    /// The unit copied to a folder of its own (the name stays, systemd reads the type from it), with
    /// the installed paths of the binaries turned into the ones `swift build` made, and kmscon into
    /// a program that exists when kmscon is not installed. `dropIns` maps a drop-in's name in
    /// `UNIT.d/` to a file in `systemd/`.
    static func stage(_ name: String, dropIns: [String: String] = [:]) throws -> URL {
        var text = try String(contentsOf: unitsFolder.appendingPathComponent(name), encoding: .utf8)
        text = text.replacingOccurrences(of: "/usr/bin/kioskd ", with: binary("kioskd") + " ")
            .replacingOccurrences(of: "/usr/bin/kioskctl ", with: binary("kioskctl") + " ")
        if !kmsconInstalled {
            text = text.replacingOccurrences(of: "/usr/bin/kmscon ", with: "/usr/bin/true ")
        }
        let folder = try temporaryFolder("unit")
        let unit = folder.appendingPathComponent(name)
        try text.write(to: unit, atomically: true, encoding: .utf8)
        if !dropIns.isEmpty {
            let dropInFolder = folder.appendingPathComponent(name + ".d")
            try FileManager.default.createDirectory(at: dropInFolder, withIntermediateDirectories: true)
            for (target, source) in dropIns {
                try FileManager.default.copyItem(at: unitsFolder.appendingPathComponent(source),
                                                 to: dropInFolder.appendingPathComponent(target))
            }
        }
        return unit
    }

    /// `systemd-analyze verify` exits 0 and prints nothing about the unit or its drop-ins. (It exits
    /// 0 after an unknown key too, so its words are what count.)
    static func expectCleanVerify(_ unit: URL, checkManPages: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        defer { try? FileManager.default.removeItem(at: unit.deletingLastPathComponent()) }
        let arguments = ["verify"] + (checkManPages ? [] : ["--man=no"]) + [unit.path]
        let result = try run(try systemdAnalyze(), arguments)
        let name = unit.lastPathComponent, folder = unit.deletingLastPathComponent().path
        let lines = (result.output + result.error).split(separator: "\n")
        let aboutUnit = lines.filter { $0.contains(name) || $0.contains(folder) }
        #expect(result.status == 0, "systemd-analyze verify \(name) exited \(result.status):\n\(lines.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        #expect(aboutUnit.isEmpty, "systemd-analyze verify \(name) said:\n\(aboutUnit.joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }

    /// The checks that cost exposure, for a failure message.
    static func failedChecks(_ report: String) -> String {
        report.split(separator: "\n").filter { $0.hasPrefix("✗") }.joined(separator: "\n")
    }

    static func systemdAnalyze() throws -> String { try systemdTool("systemd-analyze") }

    /// A systemd tool from the usual places; its absence is a failure (install the Debian package
    /// systemd), never a skip.
    static func systemdTool(_ name: String) throws -> String {
        let folders = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + name) {
            return folder + "/" + name
        }
        throw HarnessError(description: "\(name) not found: install the Debian package systemd (make deps)")
    }

    static func temporaryFolder(_ label: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-systemd-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func install(_ file: String, as path: String, under root: URL) throws {
        let target = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: unitsFolder.appendingPathComponent(file), to: target)
    }

    /// `/etc/passwd` or `/etc/group` by name: every field of a line, the name first.
    static func table(_ file: URL) throws -> [String: [String]] {
        let text = try String(contentsOf: file, encoding: .utf8)
        var rows: [String: [String]] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if let name = fields.first { rows[name] = fields }
        }
        return rows
    }

    /// Every assignment of the given keys in a unit file, in order, split at spaces.
    static func settings(_ text: String, _ keys: Set<String>) -> [(String, [String])] {
        text.split(separator: "\n").compactMap { line -> (String, [String])? in
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { return nil }
            let key = String(line[..<equals]).trimmingCharacters(in: .whitespaces)
            guard keys.contains(key) else { return nil }
            return (key, line[line.index(after: equals)...].split(separator: " ").map(String.init))
        }
    }
}
