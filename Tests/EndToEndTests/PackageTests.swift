import Foundation
import KioskDaemon
import Testing

/// The kiosk as an administrator installs it: the udev rules from the catalog, and the Debian
/// package installed with apt into a fresh Debian bookworm (debootstrap), where no Swift toolchain is.
@Suite(.serialized) struct PackageTests {
    @Test func udevRulesCoverTheCatalogsUSBModelsAndNoSimulatedOnes() throws {
        let result = try run(binary("kioskd"), ["udev-rules", "--catalog", "Devices"])
        #expect(result.status == 0, "\(result.error)")
        let rules = result.output
        #expect(rules.hasPrefix("# Generated from the Kiosk device catalog by `kioskd udev-rules`"))
        #expect(rules.contains("# honeywell-1900: Honeywell Xenon 1900 area-imaging scanner (driver usb-hid)\n"))
        #expect(rules.contains(#"SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ATTR{idVendor}=="0c2e", ATTR{idProduct}=="0b61", GROUP="kiosk", MODE="0660""#))
        #expect(rules.contains(#"SUBSYSTEM=="hidraw", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0b61", GROUP="kiosk", MODE="0660""#))
        let simulated = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Devices").path)
            .filter { $0.hasPrefix("sim-") && $0.hasSuffix(".yaml") }
        #expect(simulated.count >= 4)
        for file in simulated {
            #expect(!rules.contains(String(file.dropLast(".yaml".count))), "a rule for \(file)")
        }
        // A touch panel's event device goes to the console (group input) under one name for --touch.
        #expect(rules.contains(#"SUBSYSTEM=="input", KERNEL=="event*", ATTRS{idVendor}=="0eef", ATTRS{idProduct}=="0001", ENV{ID_INPUT_TOUCHSCREEN}="1", GROUP="input", MODE="0660", SYMLINK+="input/kiosk-touch""#))
        #expect(rules.contains(#"ATTRS{idVendor}=="0596", ATTRS{idProduct}=="0001", ENV{ID_INPUT_TOUCHSCREEN}="1""#))
        // Every line is a comment, blank, or a rule for one USB id pair: kioskd's, or the console's panel.
        for line in rules.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let kioskd = line.hasSuffix(#"GROUP="kiosk", MODE="0660""#)
            let console = line.hasPrefix(#"SUBSYSTEM=="input""#) && line.hasSuffix(#"GROUP="input", MODE="0660", SYMLINK+="input/kiosk-touch""#)
            #expect(line.hasPrefix("SUBSYSTEM==") && (kioskd || console), "\(line)")
        }
        #expect(try run(binary("kioskd"), ["udev-rules", "--catalog", "Devices"]).output == rules)
    }

    @Test func udevRulesAreSortedAndMatchSerialAdaptersAndRefuseABadCatalog() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-udev-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = [
            "zz-serial-scanner": "model: zz-serial-scanner\nname: Serial scanner behind a USB adapter\ncategory: code-scanner\ndriver: serial\nserial: {baud: 9600}\nusb: {vendor: 0x067b, product: 0x2303}\n",
            "aa-hid": "model: aa-hid\nname: HID scanner\ncategory: code-scanner\ndriver: usb-hid\nusb: {vendor: 0xABCD, product: 0x12}\n",
            "mm-serial-only": "model: mm-serial-only\nname: Reader on a serial port\ncategory: identity-reader\ndriver: ga467\nserial: {baud: 115200}\n",
            "sim-printer": "model: sim-printer\nname: Simulated printer\ncategory: printer\ndriver: sim\n",
        ]
        for (model, text) in files {
            try text.write(to: folder.appendingPathComponent("\(model).yaml"), atomically: true, encoding: .utf8)
        }
        let rules = try UdevRules.generate(catalogDirectory: folder)
        let titles = rules.split(separator: "\n").filter { $0.hasPrefix("# aa-") || $0.hasPrefix("# mm-") || $0.hasPrefix("# zz-") }
        #expect(titles.map { String($0.prefix(6)) } == ["# aa-h", "# mm-s", "# zz-s"])
        #expect(rules.contains(#"ATTR{idVendor}=="abcd", ATTR{idProduct}=="0012""#))
        #expect(rules.contains(#"SUBSYSTEM=="tty", ATTRS{idVendor}=="067b", ATTRS{idProduct}=="2303", GROUP="kiosk", MODE="0660""#))
        #expect(!rules.contains(#"SUBSYSTEM=="hidraw", ATTRS{idVendor}=="067b""#))
        #expect(!rules.contains("sim-printer"))
        #expect(try UdevRules.generate(catalogDirectory: folder) == rules)

        try "model: broken\nname: x\ncategory: scanner\ndriver: sim\n".write(
            to: folder.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let refused = try run(binary("kioskd"), ["udev-rules", "--catalog", folder.path])
        #expect(refused.status == 2)
        #expect(refused.output.isEmpty)
        #expect(refused.error.contains("broken.yaml:3: category:"), "\(refused.error)")
    }

    /// `make deb`, then the package into a minimal Debian bookworm with apt, which brings its Depends
    /// from the mirror: the configuration it installs passes check-config, the binaries run without
    /// the Swift toolchain, a demo kiosk answers kioskctl there, and a purge leaves nothing behind.
    /// Needs root, debootstrap and the Debian mirror this machine's apt uses; fails without them. The
    /// debootstrapped tree is kept as `.build-debootstrap/bookworm-minbase.tar` for the next run.
    ///
    /// `make deb` builds the release binaries when they are not there yet (minutes on 2 cores): the
    /// tests beside it must not notice, so every command runs niced and waits on a thread of its own
    /// rather than on one of Swift concurrency's few shared threads.
    @Test func theDebianPackageInstallsAndRunsInAFreshBookworm() async throws {
        let began = ContinuousClock.now
        var timings: [String] = []
        func lap(_ what: String) { timings.append("\(what) \(ContinuousClock.now - began)") }
        defer { print("PackageTests: Debian package in a fresh bookworm: \(timings.joined(separator: ", "))") }

        guard getuid() == 0 else { throw HarnessError(description: "needs root (debootstrap, chroot, mount)") }
        for tool in ["debootstrap", "chroot", "mount", "umount", "dpkg-deb", "timeout", "nice", "make"] where Chroot.find(tool) == nil {
            throw HarnessError(description: "\(tool) not found: `make deps` installs debootstrap")
        }

        let make = try await Chroot.host("make", ["--no-print-directory", "deb"], timeout: 3600)
        try #require(make.status == 0, "make deb:\n\(make.output.suffix(3000))\n\(make.error.suffix(3000))")
        let deb = make.output.split(separator: "\n").last.map(String.init) ?? ""
        let debURL = repositoryRoot.appendingPathComponent(deb)
        try #require(deb.hasPrefix("./kiosk_") && deb.hasSuffix(".deb") && FileManager.default.fileExists(atPath: debURL.path),
                     "make deb printed no package: \(make.output.suffix(500))")
        let version = try run(repositoryRoot.appendingPathComponent(".build-pkg/release/kioskd").path, ["--version"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb == "./kiosk_\(version)_amd64.deb")
        let fields = try run("/usr/bin/env", ["dpkg-deb", "--field", debURL.path, "Package", "Version", "Depends"]).output
        #expect(fields.contains("Package: kiosk\n") && fields.contains("Version: \(version)\n"), "\(fields)")
        #expect(fields.contains("libc6 (>= "), "\(fields)")
        lap("make deb")

        let chroot = try await Chroot.fresh()
        lap("bookworm root (\(chroot.fromCache ? "from the cache" : "debootstrapped"))")
        do {
            try await installAndRun(deb: debURL, version: version, in: chroot, lap: lap)
        } catch {
            chroot.remove()
            throw error
        }
        chroot.remove()
    }

    static func copyAptSources(into root: URL) throws {
        let manager = FileManager.default
        let target = root.appendingPathComponent("etc/apt")
        for name in ["sources.list", "sources.list.d"] {
            let source = "/etc/apt/" + name
            guard manager.fileExists(atPath: source) else { continue }
            let destination = target.appendingPathComponent(name)
            try? manager.removeItem(at: destination)
            try manager.copyItem(atPath: source, toPath: destination.path)
        }
    }

    private func installAndRun(deb: URL, version: String, in chroot: Chroot, lap: (String) -> Void) async throws {
        try FileManager.default.copyItem(at: deb, to: chroot.root.appendingPathComponent("tmp/kiosk.deb"))
        // A kiosk gets bookworm's security and point-release updates like this machine, and the
        // package was built against those: the chroot takes this machine's apt sources.
        try Self.copyAptSources(into: chroot.root)
        let update = try await chroot.run(["apt-get", "update", "-q"], timeout: 600)
        try #require(update.status == 0, "apt-get update in the chroot:\n\(update.output.suffix(2000))\n\(update.error)")
        let install = try await chroot.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "/tmp/kiosk.deb"], timeout: 900)
        try #require(install.status == 0, "apt-get install kiosk.deb:\n\(install.output.suffix(4000))\n\(install.error)")
        #expect(install.output.contains("Set kiosk.id and holder-key-salt in /etc/kiosk/kiosk.yaml"), "\(install.output.suffix(2000))")
        lap("apt-get install")

        let check = try await chroot.run(["kioskd", "check-config", "/etc/kiosk/kiosk.yaml"])
        #expect(check.status == 0, "\(check.output)\(check.error)")
        #expect(check.output.contains("/etc/kiosk/kiosk.yaml: OK ("), "\(check.output)")
        let ctl = try await chroot.run(["kioskctl", "--version"])
        #expect(ctl.status == 0 && ctl.output == "\(version)\n", "\(ctl.output)\(ctl.error)")
        #expect(!FileManager.default.fileExists(atPath: chroot.root.appendingPathComponent("opt/swift").path))

        // What postinst did: the user and groups, the configuration for kioskd's eyes only, no service enabled.
        #expect(try await chroot.run(["getent", "passwd", "kiosk"]).status == 0)
        #expect(try await chroot.run(["getent", "group", "kiosk-operators"]).status == 0)
        #expect(try await chroot.run(["getent", "passwd", "kiosk-console"]).status == 0)
        #expect(try await chroot.run(["stat", "-c", "%U:%G %a", "/etc/kiosk/kiosk.yaml"]).output == "root:kiosk 640\n")
        #expect(!FileManager.default.fileExists(atPath: chroot.root.appendingPathComponent("etc/systemd/system/multi-user.target.wants/kioskd.service").path))
        let installed = try await chroot.run(["dpkg", "-L", "kiosk"]).output
        for path in ["/usr/bin/kioskd", "/usr/bin/kioskctl", "/usr/lib/systemd/system/kioskd.service",
                     "/usr/lib/sysusers.d/kiosk.conf", "/usr/lib/tmpfiles.d/kiosk.conf", "/usr/lib/udev/rules.d/70-kiosk.rules",
                     "/usr/share/kiosk/Kiosk/flows/home.yaml", "/usr/share/kiosk/Devices/honeywell-1900.yaml",
                     "/usr/share/bash-completion/completions/kioskctl", "/usr/share/zsh/vendor-completions/_kioskctl",
                     "/usr/share/fish/vendor_completions.d/kioskctl.fish", "/usr/share/doc/kiosk/README.md",
                     "/usr/share/doc/kiosk/copyright", "/usr/share/man/man8/kioskd.8.gz", "/usr/share/man/man1/kioskctl.1.gz",
                     "/usr/lib/systemd/system/kiosk-console.service", "/usr/lib/modules-load.d/kiosk.conf",
                     "/usr/share/doc/kiosk/deployment.md", "/usr/share/doc/kiosk/examples/kioskd-credentials-encrypted.conf",
                     "/etc/kiosk/kiosk.yaml"] {
            #expect(installed.contains(path + "\n"), "not in the package: \(path)")
        }
        let unit = try String(contentsOf: chroot.root.appendingPathComponent("usr/lib/systemd/system/kioskd.service"), encoding: .utf8)
        #expect(unit.contains("\nExecStart=/usr/bin/kioskd "))
        let rules = try String(contentsOf: chroot.root.appendingPathComponent("usr/lib/udev/rules.d/70-kiosk.rules"), encoding: .utf8)
        #expect(rules.contains(#"ATTR{idVendor}=="0c2e", ATTR{idProduct}=="0b61""#))
        #expect(try await chroot.run(["kioskd", "udev-rules"]).output == rules)
        lap("checks")

        // The installed kiosk runs: a demo kiosk on the installed content answers kioskctl.
        try FileManager.default.createDirectory(at: chroot.root.appendingPathComponent("tmp/demo"), withIntermediateDirectories: true)
        let demo = try chroot.start(["kioskd", "--demo", "--no-console", "--config", "/etc/kiosk/kiosk.yaml",
                                     "--state", "/tmp/demo", "--socket", "/tmp/demo/kioskd.sock"])
        defer { if demo.isRunning { kill(demo.processIdentifier, SIGKILL) } }
        var status = CommandResult(status: -1, output: "", error: "")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline && demo.isRunning {
            status = try await chroot.run(["kioskctl", "status", "--json", "--socket", "/tmp/demo/kioskd.sock"])
            if status.status == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        demo.terminate()
        while demo.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(status.status == 0, "kioskctl status in the chroot: \(status.error)")
        #expect(status.output.contains("\"kioskID\" : \"HK-CHANGE-ME\""), "\(status.output)")
        lap("demo")

        let purge = try await chroot.run(["apt-get", "purge", "-y", "-q", "kiosk"], timeout: 300)
        #expect(purge.status == 0, "\(purge.output.suffix(2000))\(purge.error)")
        for path in ["usr/bin/kioskd", "usr/share/kiosk", "etc/kiosk", "usr/lib/udev/rules.d/70-kiosk.rules"] {
            #expect(!FileManager.default.fileExists(atPath: chroot.root.appendingPathComponent(path).path), "left after purge: \(path)")
        }
        #expect(try await chroot.run(["dpkg-statoverride", "--list", "/etc/kiosk/kiosk.yaml"]).status != 0)
        lap("purge")
    }
}

/// Runs blocking work (a program, waited for) on a thread of its own instead of one of Swift
/// concurrency's shared threads, of which a 2-core machine has two.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A minimal Debian bookworm in a folder under `.build-debootstrap/` (or `$KIOSK_DEBOOTSTRAP_CACHE`,
/// for a cache that outlives the checkout), made by debootstrap once and then unpacked from the
/// tarball kept there. `/proc` is mounted while it is in use.
struct Chroot {
    static let cacheFolder = ProcessInfo.processInfo.environment["KIOSK_DEBOOTSTRAP_CACHE"].map { URL(fileURLWithPath: $0) }
        ?? repositoryRoot.appendingPathComponent(".build-debootstrap")
    static let tarball = cacheFolder.appendingPathComponent("bookworm-minbase.tar")

    let root: URL
    let fromCache: Bool

    static func find(_ tool: String) -> String? {
        ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a tool from the host, niced, with a time limit, on a thread of its own.
    @discardableResult
    static func host(_ tool: String, _ arguments: [String], timeout: Int = 300) async throws -> CommandResult {
        guard let path = find(tool) else { throw HarnessError(description: "\(tool) not found") }
        let command = ["-n", "19", find("timeout") ?? "/usr/bin/timeout", "--kill-after=10", "\(timeout)", path] + arguments
        return try await onOwnThread { try EndToEndTests.run(find("nice") ?? "/usr/bin/nice", command) }
    }

    /// The Debian mirror this machine's apt uses for bookworm, from /etc/apt/sources.list and
    /// sources.list.d (one-line and deb822 formats).
    static func mirror() throws -> String {
        var files = ["/etc/apt/sources.list"]
        let folder = "/etc/apt/sources.list.d"
        files += ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            .filter { $0.hasSuffix(".list") || $0.hasSuffix(".sources") }.map { "\(folder)/\($0)" }
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") }
            if file.hasSuffix(".sources") {
                for stanza in lines.split(whereSeparator: \.isEmpty) {
                    var fields: [String: [String]] = [:]
                    for line in stanza {
                        guard let colon = line.firstIndex(of: ":") else { continue }
                        fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].split(separator: " ").map(String.init)
                    }
                    if fields["enabled"]?.first?.lowercased() == "no" { continue }
                    if fields["types"]?.contains("deb") == true, fields["suites"]?.contains("bookworm") == true,
                       let uri = fields["uris"]?.first(where: { $0.hasPrefix("http") }) {
                        return uri
                    }
                }
            } else {
                for line in lines {
                    var words = line.split(separator: " ").map(String.init)
                    guard words.first == "deb" else { continue }
                    words.removeFirst()
                    if words.first?.hasPrefix("[") == true {
                        while let word = words.first, !word.hasSuffix("]") { words.removeFirst() }
                        if !words.isEmpty { words.removeFirst() }
                    }
                    if words.count >= 2, words[0].hasPrefix("http"), words[1] == "bookworm" { return words[0] }
                }
            }
        }
        throw HarnessError(description: "no bookworm mirror in /etc/apt/sources.list or sources.list.d")
    }

    /// A new root: unpacked from the cached tarball, or debootstrapped (and then cached).
    static func fresh() async throws -> Chroot {
        try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true)
        // Roots left by a run that was killed: gone once nothing is mounted in them.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: cacheFolder.path)) ?? [] where name.hasPrefix("root-") {
            let stale = cacheFolder.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: stale.path)[.modificationDate] as? Date) ?? Date()
            if modified < Date().addingTimeInterval(-3 * 3600) { Chroot(root: stale, fromCache: true).remove() }
        }
        let root = cacheFolder.appendingPathComponent("root-\(UUID().uuidString.prefix(8))")
        var fromCache = false
        if FileManager.default.fileExists(atPath: tarball.path) {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let unpack = try await host("tar", ["-C", root.path, "--numeric-owner", "-xpf", tarball.path])
            guard unpack.status == 0 else { throw HarnessError(description: "unpacking \(tarball.path): \(unpack.error)") }
            fromCache = true
        } else {
            let mirror = try mirror()
            let bootstrap = try await host("debootstrap", ["--variant=minbase", "bookworm", root.path, mirror], timeout: 1200)
            guard bootstrap.status == 0 else {
                throw HarnessError(description: "debootstrap bookworm from \(mirror) failed (\(bootstrap.status)):\n\(bootstrap.output.suffix(2000))\n\(bootstrap.error.suffix(2000))")
            }
            let partial = tarball.appendingPathExtension("partial")
            let pack = try await host("tar", ["-C", root.path, "--numeric-owner", "-cpf", partial.path, "."])
            guard pack.status == 0 else { throw HarnessError(description: "packing \(root.path): \(pack.error)") }
            try FileManager.default.moveItem(at: partial, to: tarball)
        }
        let chroot = Chroot(root: root, fromCache: fromCache)
        do {
            // Services never start in here; DNS as the host has it now.
            let policy = root.appendingPathComponent("usr/sbin/policy-rc.d")
            try "#!/bin/sh\nexit 101\n".write(to: policy, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: policy.path)
            let resolv = root.appendingPathComponent("etc/resolv.conf")
            try? FileManager.default.removeItem(at: resolv)
            try FileManager.default.copyItem(atPath: "/etc/resolv.conf", toPath: resolv.path)
            let mount = try await host("mount", ["-t", "proc", "proc", root.appendingPathComponent("proc").path])
            guard mount.status == 0 else { throw HarnessError(description: "mount proc: \(mount.error)") }
        } catch {
            chroot.remove()
            throw error
        }
        return chroot
    }

    /// Runs a command inside, with a clean environment and a time limit.
    @discardableResult
    func run(_ command: [String], timeout: Int = 120) async throws -> CommandResult {
        try await Chroot.host("chroot", [root.path] + Chroot.environment + command, timeout: timeout)
    }

    static let environment = ["/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                              "DEBIAN_FRONTEND=noninteractive", "HOME=/root", "TERM=dumb"]

    /// Starts a command inside and returns at once.
    func start(_ command: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Chroot.find("chroot") ?? "/usr/sbin/chroot")
        process.arguments = [root.path] + Chroot.environment + command
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Unmounts everything under the root, and removes it only when nothing is mounted there any more
    /// (and even then with `rm --one-file-system`, which never follows a mount it did not see).
    func remove() {
        for _ in 0..<5 {
            let mounts = mountPoints()
            if mounts.isEmpty { break }
            for point in mounts.sorted().reversed() { _ = try? EndToEndTests.run(Chroot.find("umount") ?? "/usr/bin/umount", [point]) }
            if !mountPoints().isEmpty { Thread.sleep(forTimeInterval: 0.5) }
        }
        let left = mountPoints()
        guard left.isEmpty else {
            print("PackageTests: not removing \(root.path): still mounted: \(left)")
            return
        }
        _ = try? EndToEndTests.run(Chroot.find("rm") ?? "/usr/bin/rm", ["-rf", "--one-file-system", root.path])
    }

    /// Mount points at or under the root, from /proc/self/mountinfo (octal escapes undone).
    func mountPoints() -> [String] {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        let prefix = root.resolvingSymlinksInPath().standardizedFileURL.path
        return text.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            return point == prefix || point.hasPrefix(prefix + "/") ? point : nil
        }
    }
}
