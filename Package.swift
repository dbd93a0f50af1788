// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

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
        // C libraries for the drivers. Each is only a module map; the drivers that import them land
        // with their own issues, so the package shape does not change then.
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
        // libumockdev's testbed API, for usb-scanner-replay only (the USB scanner tests); never in kioskd.
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),

        .target(name: "YAMLData", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: strict),
        .target(name: "DeviceKit", dependencies: [
            "YAMLData",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // Driver modules: each knows its devices and DeviceKit, nothing else of the kiosk.
        .target(name: "SmartCard", dependencies: ["DeviceKit", "CPCSCLite", "CLibCrypto"], swiftSettings: strict),
        // The project's card emulator (a test passport for pcscd's vpcd driver), for tests and benchmarks.
        .target(name: "CardEmulator", dependencies: ["SmartCard", "DeviceKit"], swiftSettings: strict),
        .executableTarget(name: "kiosk-card-emulator", dependencies: ["CardEmulator"], swiftSettings: strict),
        .target(name: "ResidentID", dependencies: ["DeviceKit"], swiftSettings: strict),
        // The project's own GA 467 reader on a pseudo-terminal, for tests, the benchmark and installers.
        .target(name: "GA467Emulator", dependencies: ["ResidentID", "DeviceKit"], swiftSettings: strict),
        .executableTarget(name: "kiosk-ga467-emulator", dependencies: ["GA467Emulator", "ResidentID", "DeviceKit"],
                          swiftSettings: strict),
        .executableTarget(name: "fuzz-ga467-frame", dependencies: ["FuzzSupport", "ResidentID"], path: "Fuzz/ga467-frame",
                          exclude: ["seeds"], swiftSettings: strict),
        .target(name: "Printing", dependencies: ["DeviceKit", "CCUPS", "CCairo", "CQREncode"], swiftSettings: strict,
                linkerSettings: [.linkedLibrary("fontconfig")]),
        .target(name: "USBScanner", dependencies: [
            "DeviceKit", "CLibUSB", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        // Runs the usb-hid driver against a umockdev testbed for USBScannerTests (it needs
        // libumockdev's preload library, hence a program of its own).
        .executableTarget(name: "usb-scanner-replay", dependencies: [
            "USBScanner", "DeviceKit", "CUMockdev", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "DocumentScan", dependencies: ["DeviceKit", "CSANE", "CCairo"], swiftSettings: strict),
        .target(name: "Outbox", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        // The platform's stand-in for development, tests, the demo and the benchmarks: a real
        // HTTP server with its own SQLite store. Never linked into kioskd.
        .target(name: "PlatformStandIn", dependencies: [
            "Outbox", "YAMLData",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            // Incremental SHA-256 of streamed attachments; `Service` for the server.
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        .executableTarget(name: "kiosk-platform", dependencies: [
            "PlatformStandIn",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        // The remote window's protocol, operators and consent rules; the server that carries them
        // is wired in KioskDaemon. Knows nothing of devices' drivers or the daemon.
        .target(name: "RemoteWindow", dependencies: [
            "DeviceKit", "YAMLData", "TerminalUI",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "Flows", dependencies: [
            "DeviceKit", "YAMLData",
        ], swiftSettings: strict),
        .target(name: "TerminalUI", dependencies: ["Flows"], swiftSettings: strict),
        .target(name: "KioskDaemon", dependencies: [
            "DeviceKit", "Outbox", "Flows", "TerminalUI", "YAMLData", "RemoteWindow", "USBScanner", "SmartCard", "ResidentID", "Printing", "DocumentScan",
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
            "KioskDaemon", "RemoteWindow", "DeviceKit", "Flows", "TerminalUI", "USBScanner", "DocumentScan", "SmartCard",
            "ResidentID",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .executableTarget(name: "kioskctl", dependencies: [
            "KioskDaemon", "Outbox", "RemoteWindow", "TerminalUI", "Flows",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        .executableTarget(name: "kiosk-bench", dependencies: [
            "KioskDaemon", "TerminalUI", "Flows", "Outbox", "PlatformStandIn", "DeviceKit",
            // The drivers' benchmarks: an ICAO read against the card emulator, a GA 467 read against its emulator.
            "SmartCard", "CardEmulator", "ResidentID", "GA467Emulator",
            // Printing: submitting a PDF side by side with lp, rendering a receipt, on the tests' private cupsd.
            "Printing", "PrintingTestBed",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/kiosk-bench", swiftSettings: strict),

        .target(name: "FuzzSupport", swiftSettings: strict),
        // libFuzzer targets (scripts/fuzz.sh NAME): each depends only on the module it fuzzes; without
        // -DFUZZING they replay the files they are given.
        .executableTarget(name: "fuzz-hid-report", dependencies: ["FuzzSupport", "USBScanner"], path: "Fuzz/hid-report",
                          exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-code-classifier", dependencies: ["FuzzSupport", "Flows"], path: "Fuzz/code-classifier",
                          exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-ber-tlv", dependencies: ["FuzzSupport", "SmartCard"], path: "Fuzz/ber-tlv", exclude: ["seeds"], swiftSettings: strict),
        .executableTarget(name: "fuzz-mrz", dependencies: ["FuzzSupport", "DeviceKit"], path: "Fuzz/mrz", exclude: ["seeds"], swiftSettings: strict),

        .testTarget(name: "YAMLDataTests", dependencies: ["YAMLData"], swiftSettings: strict),
        .testTarget(name: "DeviceKitTests", dependencies: [
            "DeviceKit", "YAMLData", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "SmartCardTests", dependencies: ["SmartCard", "DeviceKit", "CardEmulator"], swiftSettings: strict),
        .testTarget(name: "ResidentIDTests", dependencies: ["ResidentID", "GA467Emulator", "DeviceKit"], swiftSettings: strict),
        // The private cupsd + ippeveprinter (and the D-Bus and Avahi it needs) that printing tests run
        // against, shared by PrintingTests and the end-to-end tests.
        .target(name: "PrintingTestBed", dependencies: ["Printing"], path: "Tests/PrintingTestBed", swiftSettings: strict),
        .testTarget(name: "PrintingTests", dependencies: ["Printing", "DeviceKit", "PrintingTestBed"], swiftSettings: strict),
        .testTarget(name: "USBScannerTests", dependencies: ["USBScanner", "DeviceKit", "usb-scanner-replay"], swiftSettings: strict),
        .testTarget(name: "DocumentScanTests", dependencies: ["DocumentScan", "DeviceKit"], swiftSettings: strict),
        .testTarget(name: "OutboxTests", dependencies: [
            "Outbox", "PlatformStandIn",
            .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .testTarget(name: "PlatformStandInTests", dependencies: [
            "PlatformStandIn", "Outbox",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "RemoteWindowTests", dependencies: ["RemoteWindow", "DeviceKit", "YAMLData"], swiftSettings: strict),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "DeviceKit", "YAMLData"], swiftSettings: strict),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "Flows"], swiftSettings: strict),
        .testTarget(name: "KioskDaemonTests", dependencies: [
            "KioskDaemon", "RemoteWindow", "DeviceKit", "Flows", "Outbox", "YAMLData", "TerminalUI",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["KioskDaemon", "Outbox", "PrintingTestBed"], swiftSettings: strict),
    ]
)
