// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// The product is in Sources/: the modules kioskd and kioskctl are made of, listed so that each
// depends only on modules above it (docs/ARCHITECTURE.md, "Modules"). What develops, tests and
// demonstrates the kiosk without ever shipping in kioskd (emulators, the platform stand-in, the USB
// replay tool, fuzz support, the printing test bed) is in Tools/. `make test` builds with
// `--explicit-target-dependency-import-check error`, so an import a target does not declare here
// fails the build.
let package = Package(
    name: "Kiosk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kioskd", targets: ["kioskd"]),
        .executable(name: "kioskctl", targets: ["kioskctl"]),
        .executable(name: "kiosk-bench", targets: ["kiosk-bench"]),
        .executable(name: "kiosk-platform", targets: ["kiosk-platform"]),
        .executable(name: "kiosk-card-emulator", targets: ["kiosk-card-emulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C libraries for the drivers. Each is only a module map.
        // pcsclite is a C target (forwarding headers, see its include/) rather than a system library: its
        // pkg-config file brings -pthread, which SwiftPM refuses with a warning.
        .target(name: "CPCSCLite", linkerSettings: [.linkedLibrary("pcsclite")]),
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CCUPS", providers: [.apt(["libcups2-dev"])]),
        // Rendering receipts, test pages and scanned pages (PNG, PDF), with fontconfig's CJK fonts.
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // DES-EDE for ICAO 9303 BAC and secure messaging; swift-crypto has no DES.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSANE", pkgConfig: "sane-backends", providers: [.apt(["libsane-dev"])]),
        .systemLibrary(name: "CLibevdev", pkgConfig: "libevdev", providers: [.apt(["libevdev-dev"])]),

        .target(name: "YAMLData", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: strict),
        .target(name: "DeviceKit", dependencies: [
            "WireFormat", "YAMLData",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // Driver modules: each knows its devices and DeviceKit, nothing else of the kiosk.
        .target(name: "SmartCard", dependencies: ["DeviceKit", "CPCSCLite", "CLibCrypto"], swiftSettings: strict),
        .target(name: "ResidentID", dependencies: ["DeviceKit"], swiftSettings: strict),
        .target(name: "Printing", dependencies: ["DeviceKit", "CCUPS", "CCairo", "CQREncode"], swiftSettings: strict,
                linkerSettings: [.linkedLibrary("fontconfig")]),
        .target(name: "CodeScanners", dependencies: [
            "DeviceKit", "CLibUSB", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // A touch panel on the kiosk's own screen: taps from its events (no C), and the reader.
        .target(name: "TouchInput", dependencies: ["DeviceKit", "YAMLData"], swiftSettings: strict),
        .target(name: "TouchPanel", dependencies: ["TouchInput", "CLibevdev"], swiftSettings: strict),
        .target(name: "DocumentScan", dependencies: ["DeviceKit", "ScannedDocuments", "CSANE"], swiftSettings: strict),
        // Scanned pages as PNG and as one PDF (cairo): made by the SANE driver, and by the kiosk
        // for a submission's attachment, which needs no driver for it.
        .target(name: "ScannedDocuments", dependencies: ["DeviceKit", "CCairo"], swiftSettings: strict),
        // JSON both of the kiosk's wires carry (outbox payloads, remote-window envelopes).
        .target(name: "WireFormat", swiftSettings: strict),
        // What operators are told about the outbox (the platform link, alerts, items), apart from
        // the store, so kioskctl can read it without linking SQLite and the HTTP client.
        .target(name: "OutboxStatus", dependencies: ["WireFormat"], swiftSettings: strict),
        .target(name: "Outbox", dependencies: [
            "OutboxStatus", "WireFormat", "YAMLData",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        // What a screen shows, not how it is drawn: shared by the flows that make screens, the
        // renderer that draws them and the remote window that masks them.
        .target(name: "ScreenModel", swiftSettings: strict),
        .target(name: "TerminalUI", dependencies: ["ScreenModel"], swiftSettings: strict),
        .target(name: "Flows", dependencies: [
            "ScreenModel", "DeviceKit", "YAMLData",
        ], swiftSettings: strict),
        // The remote window's protocol, operators and consent rules; the server that carries them
        // is wired in KioskDaemon. Knows nothing of devices' drivers or the daemon.
        .target(name: "RemoteWindow", dependencies: [
            "ScreenModel", "DeviceKit", "YAMLData", "TerminalUI", "WireFormat",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // The control socket's protocol and client, the status types, and the remote window's client
        // side: what kioskctl and a hall program need to speak to a kiosk, with no driver in it.
        .target(name: "KioskControl", dependencies: [
            "ScreenModel", "DeviceKit", "OutboxStatus", "RemoteWindow", "TerminalUI",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], swiftSettings: strict),
        // The application: the session loop and one handler per concern (pickups, printing,
        // submissions, the outbox and its alerts, the remote window's side of the visit). It sees
        // devices through DeviceKit only, and knows no driver, server or configuration file.
        .target(name: "Application", dependencies: [
            "DeviceKit", "Flows", "Outbox", "OutboxStatus", "ScreenModel", "TerminalUI", "RemoteWindow", "KioskControl",
            "ScannedDocuments", "YAMLData",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: strict),
        // Composition: the configuration, the driver list, the servers and the services.
        .target(name: "KioskDaemon", dependencies: [
            "Application", "KioskControl", "ScreenModel", "DeviceKit", "Outbox", "OutboxStatus", "Flows", "TerminalUI", "YAMLData", "RemoteWindow",
            "TouchInput",
            "CodeScanners", "SmartCard", "ResidentID", "Printing", "DocumentScan",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: strict),
        .executableTarget(name: "kioskd", dependencies: [
            "KioskDaemon", "KioskControl", "RemoteWindow", "DeviceKit", "Flows", "TerminalUI", "CodeScanners", "DocumentScan",
            "SmartCard", "ResidentID",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // The operator's CLI: the control protocol and the remote window's client side, no driver
        // (Tests/EndToEndTests/KioskctlLinkTests checks the binary).
        .executableTarget(name: "kioskctl", dependencies: [
            "KioskControl", "DeviceKit", "OutboxStatus", "RemoteWindow", "TerminalUI", "ScreenModel", "WireFormat",
            "TouchInput", "TouchPanel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .executableTarget(name: "kiosk-bench", dependencies: [
            "KioskDaemon", "Application", "KioskControl", "TerminalUI", "ScreenModel", "Flows", "Outbox", "PlatformStandIn", "DeviceKit",
            "TouchInput",
            // The drivers' benchmarks: an ICAO read against the card emulator, a GA 467 read against its emulator.
            "SmartCard", "CardEmulator", "ResidentID", "GA467Emulator",
            // Printing: submitting a PDF side by side with lp, rendering a receipt, on the tests' private cupsd.
            "Printing", "PrintingTestBed",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/kiosk-bench", swiftSettings: strict),

        // Tools/ (see Tools/README.md): never linked into kioskd or kioskctl.
        // The project's card emulator (a test passport for pcscd's vpcd driver), for tests and benchmarks.
        .target(name: "CardEmulator", dependencies: ["SmartCard", "DeviceKit"], path: "Tools/CardEmulator",
                swiftSettings: strict),
        .executableTarget(name: "kiosk-card-emulator", dependencies: ["CardEmulator"], path: "Tools/kiosk-card-emulator",
                          swiftSettings: strict),
        // The project's own GA 467 reader on a pseudo-terminal, for tests, the benchmark and installers.
        .target(name: "GA467Emulator", dependencies: ["ResidentID", "DeviceKit"], path: "Tools/GA467Emulator",
                swiftSettings: strict),
        .executableTarget(name: "kiosk-ga467-emulator", dependencies: ["GA467Emulator", "ResidentID", "DeviceKit"],
                          path: "Tools/kiosk-ga467-emulator", swiftSettings: strict),
        // libumockdev's testbed API, for usb-scanner-replay and touch-panel-replay only.
        .systemLibrary(name: "CUMockdev", path: "Tools/CUMockdev", pkgConfig: "umockdev-1.0",
                       providers: [.apt(["libumockdev-dev"])]),
        // Runs the usb-hid driver against a umockdev testbed for CodeScannersTests (it needs
        // libumockdev's preload library, hence a program of its own).
        .target(name: "ReplaySupport", path: "Tools/ReplaySupport", swiftSettings: strict),
        .executableTarget(name: "usb-scanner-replay", dependencies: [
            "CodeScanners", "DeviceKit", "CUMockdev", "ReplaySupport", .product(name: "Logging", package: "swift-log"),
        ], path: "Tools/usb-scanner-replay", swiftSettings: strict),
        // Runs the console's touch panel reader against a umockdev testbed for TouchInputTests (it
        // needs libumockdev's preload library too).
        .executableTarget(name: "touch-panel-replay", dependencies: ["TouchPanel", "TouchInput", "CUMockdev", "ReplaySupport"],
                          path: "Tools/touch-panel-replay", swiftSettings: strict),
        // The platform's stand-in for development, tests, the demo and the benchmarks: a real
        // HTTP server with its own SQLite store.
        .target(name: "PlatformStandIn", dependencies: [
            "Outbox", "OutboxStatus", "WireFormat", "YAMLData",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            // Incremental SHA-256 of streamed attachments; `Service` for the server.
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Tools/PlatformStandIn", swiftSettings: strict),
        .executableTarget(name: "kiosk-platform", dependencies: [
            "PlatformStandIn",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], path: "Tools/kiosk-platform", swiftSettings: strict),
        // The private cupsd + ippeveprinter (and the D-Bus and Avahi it needs) that the printing tests,
        // the end-to-end tests and the benchmark run against.
        .target(name: "PrintingTestBed", dependencies: ["Printing"], path: "Tools/PrintingTestBed", swiftSettings: strict),
        .target(name: "FuzzSupport", path: "Tools/FuzzSupport", swiftSettings: strict),

        // libFuzzer targets (scripts/fuzz.sh NAME): each depends only on the module it fuzzes; without
        // -DFUZZING they replay the files they are given.
        .executableTarget(name: "fuzz-hid-report", dependencies: ["FuzzSupport", "CodeScanners"], path: "Fuzz/hid-report",
                          exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-code-classifier", dependencies: ["FuzzSupport", "Flows"], path: "Fuzz/code-classifier",
                          exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-ber-tlv", dependencies: ["FuzzSupport", "SmartCard"], path: "Fuzz/ber-tlv", exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-mrz", dependencies: ["FuzzSupport", "DeviceKit"], path: "Fuzz/mrz", exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-ga467-frame", dependencies: ["FuzzSupport", "ResidentID"], path: "Fuzz/ga467-frame",
                          exclude: ["seeds"], swiftSettings: strict),

        .testTarget(name: "YAMLDataTests", dependencies: ["YAMLData"], swiftSettings: strict),
        .testTarget(name: "DeviceKitTests", dependencies: [
            "DeviceKit", "YAMLData", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "SmartCardTests", dependencies: ["SmartCard", "DeviceKit", "CardEmulator"], swiftSettings: strict),
        .testTarget(name: "ResidentIDTests", dependencies: ["ResidentID", "GA467Emulator", "DeviceKit"], swiftSettings: strict),
        .testTarget(name: "PrintingTests", dependencies: ["Printing", "DeviceKit", "PrintingTestBed"], swiftSettings: strict),
        .testTarget(name: "CodeScannersTests", dependencies: ["CodeScanners", "DeviceKit", "usb-scanner-replay"], swiftSettings: strict),
        .testTarget(name: "DocumentScanTests", dependencies: ["DocumentScan", "ScannedDocuments", "DeviceKit"], swiftSettings: strict),
        .testTarget(name: "OutboxTests", dependencies: [
            "Outbox", "OutboxStatus", "PlatformStandIn", "WireFormat",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .testTarget(name: "PlatformStandInTests", dependencies: [
            "PlatformStandIn", "Outbox", "WireFormat",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "RemoteWindowTests", dependencies: ["RemoteWindow", "ScreenModel", "DeviceKit", "YAMLData", "WireFormat"], swiftSettings: strict),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "ScreenModel", "DeviceKit", "YAMLData"], swiftSettings: strict),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "ScreenModel"], swiftSettings: strict),
        .testTarget(name: "TouchInputTests", dependencies: ["TouchInput", "YAMLData", "touch-panel-replay"], swiftSettings: strict),
        .testTarget(name: "ApplicationTests", dependencies: ["Application", "DeviceKit"], swiftSettings: strict),
        .testTarget(name: "KioskDaemonTests", dependencies: [
            "KioskDaemon", "Application", "KioskControl", "RemoteWindow", "ScreenModel", "DeviceKit", "Flows", "Outbox", "YAMLData", "TerminalUI",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["KioskDaemon", "KioskControl", "Outbox", "OutboxStatus", "PrintingTestBed", "TerminalUI", "TouchInput"],
                    swiftSettings: strict),
    ]
)
