import Foundation
import Printing
#if canImport(Glibc)
import Glibc
#endif

/// A private CUPS scheduler for one test, in its own temp folder: cupsd on a free localhost port
/// with its own spool, logs, cache and state (no systemd, runs as root); optionally an IPP
/// Everywhere printer (ippeveprinter) on another free port with its own spool, and the private
/// D-Bus and Avahi that ippeveprinter needs for DNS-SD. Everything is killed and removed in `stop()`.
public final class PrintBed: @unchecked Sendable {
    public let folder: String
    public private(set) var cupsPort: Int
    public private(set) var cupsd: ChildProcess?
    public private(set) var printer: ChildProcess?
    private var dbus: ChildProcess?
    private var avahi: ChildProcess?
    public private(set) var printerPort = 0
    /// ippeveprinter attribute-file lines (`ATTR integer marker-levels 12,-3`) for a printer that
    /// reports supplies; empty for the default printer.
    private var printerAttributes: [String] = []

    public var server: CUPSServer { .tcp(host: "127.0.0.1", port: cupsPort) }
    public var socketPath: String { folder + "/cups/cupsd.sock" }
    /// Where ippeveprinter keeps what it printed.
    public var printerSpool: String { folder + "/printed" }
    public var busAddress: String { "unix:path=\(folder)/bus" }

    private init(folder: String, cupsPort: Int) {
        self.folder = folder
        self.cupsPort = cupsPort
    }

    /// Starts cupsd; with `printer: true` also ippeveprinter and a queue `name` made for it with
    /// `lpadmin -m everywhere`. With `printerAttributes`, ippeveprinter reads them from an attribute
    /// file (`-a`) and then has only its bare defaults besides: the lines must describe the media
    /// and formats too (`media-supported`, `document-format-supported`, …).
    public static func start(queue name: String = "kiosk", printer: Bool = true,
                             printerAttributes: [String] = []) async throws -> PrintBed {
        var template = Array("/tmp/kiosk-print-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw BedError("mkdtemp failed") }
        let folder = String(cString: made)
        chmod(folder, 0o755)  // cupsd's filters run as lp
        let bed = PrintBed(folder: folder, cupsPort: try freePort())
        bed.printerAttributes = printerAttributes
        do {
            // A port free when asked may be taken by another test's service before ours binds it:
            // then the service says so (or is not the one answering) and the bed tries another.
            var attempts = 0
            while try await !bed.startCupsd() {
                attempts += 1
                guard attempts < 5 else { throw BedError("cupsd found no free port in 5 tries") }
                bed.cupsPort = try freePort()
            }
            if printer {
                try await bed.startPrinter()
                try await bed.addQueue(name, deviceURI: "ipp://127.0.0.1:\(bed.printerPort)/ipp/print", model: "everywhere")
            }
        } catch {
            bed.stop()
            throw error
        }
        return bed
    }

    // MARK: cupsd

    /// Starts cupsd on `cupsPort`; false when that port turned out to be taken.
    private func startCupsd() async throws -> Bool {
        let root = folder + "/cups"
        for sub in ["", "/spool", "/spool/tmp", "/cache", "/state", "/log", "/ppd"] {
            try FileManager.default.createDirectory(atPath: root + sub, withIntermediateDirectories: true)
        }
        try makeServerBin(root + "/bin")
        try """
        ServerRoot \(root)
        ServerBin \(root)/bin
        RequestRoot \(root)/spool
        TempDir \(root)/spool/tmp
        CacheDir \(root)/cache
        StateDir \(root)/state
        AccessLog \(root)/log/access_log
        ErrorLog \(root)/log/error_log
        PageLog \(root)/log/page_log
        User lp
        Group lp
        SystemGroup root
        FileDevice No
        Sandboxing Relaxed
        """.write(toFile: root + "/cups-files.conf", atomically: true, encoding: .utf8)
        try """
        Listen 127.0.0.1:\(cupsPort)
        Listen \(socketPath)
        LogLevel debug
        Browsing No
        BrowseLocalProtocols none
        DefaultAuthType None
        WebInterface No
        PreserveJobHistory Yes
        <Location />
          Order allow,deny
          Allow all
        </Location>
        <Policy default>
          <Limit All>
            Order deny,allow
          </Limit>
        </Policy>
        """.write(toFile: root + "/cupsd.conf", atomically: true, encoding: .utf8)
        let cupsd = try ChildProcess("cupsd", ["-f", "-c", root + "/cupsd.conf", "-s", root + "/cups-files.conf"],
                                     log: folder + "/cupsd.out")
        self.cupsd = cupsd
        let port = cupsPort
        var taken = false
        try await waitUntil(.seconds(15), "cupsd on port \(port)") {
            guard cupsd.isRunning else { throw BedError("cupsd exited: \(cupsd.output)") }
            let log = cupsLog
            taken = log.contains("Unable to open listen socket for address 127.0.0.1:\(port)")
            return taken || log.contains("Listening to 127.0.0.1:\(port)")
        }
        if taken {
            cupsd.terminate()
            try? FileManager.default.removeItem(atPath: root + "/log/error_log")
            return false
        }
        return true
    }

    /// cupsd's programs: the system's, plus a backend `kioskfault` that acts out a printer fault.
    /// `kioskfault:/REASON` reports `STATE: +REASON` the way a real backend reports what the printer
    /// says, and stops the queue if the reason is an error (exit 4, CUPS_BACKEND_STOP); otherwise it
    /// takes the job and succeeds.
    private func makeServerBin(_ bin: String) throws {
        let manager = FileManager.default
        let system = "/usr/lib/cups"
        try manager.createDirectory(atPath: bin + "/backend", withIntermediateDirectories: true)
        for entry in try manager.contentsOfDirectory(atPath: system) where entry != "backend" {
            try manager.createSymbolicLink(atPath: bin + "/" + entry, withDestinationPath: system + "/" + entry)
        }
        for backend in try manager.contentsOfDirectory(atPath: system + "/backend") {
            try manager.createSymbolicLink(atPath: bin + "/backend/" + backend, withDestinationPath: system + "/backend/" + backend)
        }
        let script = """
            #!/bin/sh
            if [ $# -eq 0 ]; then echo 'direct kioskfault "Unknown" "Kiosk test fault backend"'; exit 0; fi
            reason="${DEVICE_URI#kioskfault:/}"
            cat > /dev/null
            echo "STATE: +$reason" >&2
            case "$reason" in
              *-warning|*-report) exit 0 ;;
              *) echo "ERROR: the printer reports $reason" >&2; exit 4 ;;
            esac

            """
        // Written through a close-on-exec descriptor: a child spawned meanwhile by another test
        // must not inherit it open for writing, or exec of the script fails with ETXTBSY.
        let fd = open(bin + "/backend/kioskfault", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw BedError("cannot write the fault backend: \(String(cString: strerror(errno)))") }
        let bytes = Array(script.utf8)
        let written = write(fd, bytes, bytes.count)
        close(fd)
        guard written == bytes.count else { throw BedError("cannot write the fault backend") }
    }

    /// `lpadmin -h localhost:PORT -p NAME -E -v URI -m MODEL`.
    public func addQueue(_ name: String, deviceURI: String, model: String) async throws {
        // "-m raw" still works in CUPS 2.4 but lpadmin exits 1 after its deprecation notice; a raw
        // queue is one without a model, so say nothing then.
        let arguments = ["-h", "127.0.0.1:\(cupsPort)", "-p", name, "-E", "-v", deviceURI] + (model == "raw" ? [] : ["-m", model])
        let result = try await run("lpadmin", arguments, in: folder)
        guard result.status == 0 else { throw BedError("lpadmin -p \(name) failed (\(result.status)): \(result.errors)") }
        // cupsd fills in an IPP Everywhere queue's attributes from the generated PPD a moment later.
        guard model == "everywhere" else { return }
        let uri = "ipp://127.0.0.1:\(cupsPort)/printers/\(name)"
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let attributes = try await run("ipptool", ["-tv", uri, "get-printer-attributes.test"], in: folder)
            if attributes.output.contains("media-supported") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BedError("queue \(name) never showed media-supported")
    }

    /// Runs a CUPS client tool against this cupsd (`-h` goes first).
    public func cups(_ tool: String, _ arguments: [String]) async throws -> String {
        let result = try await run(tool, ["-h", "127.0.0.1:\(cupsPort)"] + arguments, in: folder)
        guard result.status == 0 else { throw BedError("\(tool) \(arguments) failed (\(result.status)): \(result.errors)") }
        return result.output
    }

    public func stopCupsd() { cupsd?.terminate() }

    // MARK: ippeveprinter and what it needs

    private func startPrinter() async throws {
        try """
        <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
         "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
        <busconfig>
          <type>system</type>
          <listen>\(busAddress)</listen>
          <auth>EXTERNAL</auth>
          <policy context="default">
            <allow user="*"/>
            <allow own="*"/>
            <allow send_type="method_call"/>
            <allow send_destination="*"/>
            <allow receive_sender="*"/>
          </policy>
        </busconfig>
        """.write(toFile: folder + "/bus.conf", atomically: true, encoding: .utf8)
        let dbus = try ChildProcess("dbus-daemon", ["--config-file=\(folder)/bus.conf", "--nofork", "--nopidfile"], log: folder + "/dbus.out")
        self.dbus = dbus
        let bus = folder + "/bus"
        // A start-up wait, not a measure: `make test` builds the release package beside the tests on
        // two cores, and then a daemon that starts in 50 ms can take ten seconds.
        try await waitUntil(.seconds(30), "dbus-daemon") {
            guard dbus.isRunning else { throw BedError("dbus-daemon exited: \(dbus.output)") }
            return FileManager.default.fileExists(atPath: bus)
        }
        // Avahi on no interface at all: ippeveprinter only needs it to accept a registration, and
        // no mDNS packet leaves the process. Its pid file path is fixed (/run/avahi-daemon/pid), so
        // it runs in a mount namespace with a /run of its own, and suites can run side by side.
        try """
        [server]
        use-ipv4=yes
        use-ipv6=no
        allow-interfaces=kiosknone0
        enable-dbus=yes
        [wide-area]
        enable-wide-area=no
        [publish]
        publish-addresses=no
        publish-hinfo=no
        publish-workstation=no
        publish-domain=no
        """.write(toFile: folder + "/avahi.conf", atomically: true, encoding: .utf8)
        let avahiPath = try executable("avahi-daemon")
        let avahi = try ChildProcess("unshare", [
            "--mount", "--propagation", "private", "sh", "-c",
            "mount -t tmpfs tmpfs /run && exec \(avahiPath) -f \(folder)/avahi.conf --no-drop-root --no-chroot --no-rlimits",
        ], environment: ["DBUS_SYSTEM_BUS_ADDRESS": busAddress], log: folder + "/avahi.out")
        self.avahi = avahi
        try await waitUntil(.seconds(10), "avahi-daemon") {
            guard avahi.isRunning else { throw BedError("avahi-daemon exited: \(avahi.output)") }
            return avahi.output.contains("Server startup complete")
        }
        try FileManager.default.createDirectory(atPath: printerSpool, withIntermediateDirectories: true)
        try await startIPPEverywherePrinter()
    }

    /// (Re)starts ippeveprinter on its port (a new one the first time).
    public func startIPPEverywherePrinter() async throws {
        let first = printerPort == 0
        for attempt in 1...5 {
            if first { printerPort = try freePort() }
            if try await startPrinterOnPort() { return }
            guard first, attempt < 5 else { break }
        }
        throw BedError("ippeveprinter could not listen on port \(printerPort)")
    }

    /// Starts ippeveprinter on `printerPort`; false when the port was taken (it exits, or another
    /// printer answers there).
    private func startPrinterOnPort() async throws -> Bool {
        // ippeveprinter refuses -f together with -a: the attribute file describes the printer.
        var formats = ["-f", "application/pdf,image/pwg-raster,text/plain"]
        if !printerAttributes.isEmpty {
            let file = folder + "/printer-attributes.conf"
            try (printerAttributes.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            formats = ["-a", file]
        }
        let printer = try ChildProcess("ippeveprinter", [
            "-p", String(printerPort), "-d", printerSpool, "-k",
        ] + formats + [
            "-c", try executable("true"),
            "Kiosk Test \(cupsPort)",
        ], environment: ["DBUS_SYSTEM_BUS_ADDRESS": busAddress], log: folder + "/ippeveprinter.out")
        self.printer = printer
        let port = printerPort
        var exited = false
        try await waitUntil(.seconds(10), "ippeveprinter on port \(port)") {
            exited = !printer.isRunning
            return exited || isListening(port)
        }
        if !exited {
            // The printer answering must be this one: its name carries this bed's cupsd port.
            let attributes = try await run("ipptool", ["-tv", "ipp://127.0.0.1:\(port)/ipp/print", "get-printer-attributes.test"], in: folder)
            if attributes.output.contains("Kiosk Test \(cupsPort)") { return true }
        }
        printer.terminate()
        return false
    }

    /// Documents ippeveprinter received, by name (not the `.prn` outputs of its `-c` command).
    public func printedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: printerSpool)) ?? []).sorted()
            .filter { !$0.hasSuffix(".prn") }.map { printerSpool + "/" + $0 }
    }

    public func stop() {
        for child in [cupsd, printer, avahi, dbus] { child?.terminate() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The scheduler's log, for failure messages.
    public var cupsLog: String { (try? String(contentsOfFile: folder + "/cups/log/error_log", encoding: .utf8)) ?? "" }
}
