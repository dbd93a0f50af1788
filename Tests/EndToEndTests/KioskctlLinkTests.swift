import Foundation
import Testing

/// kioskctl is the operator's tool and the model for a hall program: it speaks the control
/// protocol and the remote window, and must carry no driver and no device C library (but libevdev,
/// which `kioskctl console` reads the kiosk's touch panel with), nor the
/// outbox's store (SQLite, GRDB) and HTTP client. Checked on
/// the built binary, by what the dynamic linker loads (`ldd`) and by the symbols in it (`nm`), with
/// kioskd as the control that shows the check can see a driver when there is one.
@Suite struct KioskctlLinkTests {
    /// Swift modules that hold drivers or compose them; a symbol of theirs is mangled `$s<length><name>`.
    static let driverModules = ["SmartCard", "ResidentID", "CodeScanners", "Printing", "DocumentScan", "KioskDaemon"]
    /// The outbox's store and uploader, and the libraries under them.
    static let storeModules = ["Outbox", "GRDB", "AsyncHTTPClient"]
    /// The device C libraries the drivers link, and SQLite.
    static let deviceLibraries = ["libpcsclite", "libusb-1.0", "libcups", "libsane", "libcairo", "libqrencode",
                                  "libumockdev", "libfontconfig", "libsqlite3"]
    static let checkedModules = driverModules + storeModules

    static func loadedLibraries(_ path: String) throws -> String {
        let result = try run("/usr/bin/ldd", [path])
        #expect(result.status == 0, "ldd \(path): \(result.error)")
        return result.output
    }

    static func modulesWithSymbols(in path: String) throws -> Set<String> {
        let result = try run("/usr/bin/nm", ["--defined-only", path])
        #expect(result.status == 0, "nm \(path): \(result.error)")
        var found: Set<String> = []
        for line in result.output.split(separator: "\n") {
            guard let symbol = line.split(separator: " ").last else { continue }
            for module in checkedModules where symbol.hasPrefix("$s\(module.utf8.count)\(module)") { found.insert(module) }
        }
        return found
    }

    @Test func kioskctlLinksNoDriverModuleAndNoDeviceLibrary() throws {
        let kioskctl = binary("kioskctl")
        let libraries = try Self.loadedLibraries(kioskctl)
        for library in Self.deviceLibraries {
            #expect(!libraries.contains(library), "kioskctl loads \(library)")
        }
        #expect(try Self.modulesWithSymbols(in: kioskctl).isEmpty)
        // The one device library it may load: libevdev, for the touch panel of the console it draws.
        #expect(libraries.contains("libevdev"), "kioskctl console reads the touch panel with libevdev")

        // The control: kioskd links every driver, and the same checks see them.
        let kioskd = binary("kioskd")
        let daemonLibraries = try Self.loadedLibraries(kioskd)
        for library in ["libpcsclite", "libusb-1.0", "libcups", "libsane", "libsqlite3"] {
            #expect(daemonLibraries.contains(library), "kioskd should load \(library)")
        }
        #expect(try Self.modulesWithSymbols(in: kioskd) == Set(Self.checkedModules))

        let size = try FileManager.default.attributesOfItem(atPath: kioskctl)[.size] as? Int ?? 0
        let daemonSize = try FileManager.default.attributesOfItem(atPath: kioskd)[.size] as? Int ?? 0
        print("kioskctl (debug build): \(size / 1024) KiB; kioskd: \(daemonSize / 1024) KiB")
        #expect(size > 0 && size < daemonSize)
    }
}
