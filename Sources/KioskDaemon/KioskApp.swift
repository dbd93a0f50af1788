import Application
import DeviceKit
import Flows
import Foundation
import KioskControl
import Logging
import Outbox
import ServiceLifecycle
import UnixSignals

/// Builds a whole kiosk from a checked configuration and runs it until SIGTERM: the composition
/// root. Tests start it in-process; `kioskd` starts it from the command line.
public struct KioskApp: Sendable {
    public struct Options: Sendable {
        /// Use a throw-away state folder and load the demo pickups.
        public var demo = false
        /// Draw the screen on this process's terminal.
        public var attachConsole = false
        /// Overrides the configured database (the demo's temporary folder, a test's).
        public var databasePath: String?
        public var socketPath: String?
        /// Overrides the configured operators' group (tests).
        public var operatorGroup: String?
        /// How long a graceful stop may take before the services are cancelled, and how long the
        /// cancellation may take before the process stops hard (systemd's stop must never have to
        /// kill). Tests that run many kiosks at once on a busy machine give more.
        public var gracefulShutdown = Duration.milliseconds(1500)
        public var cancellation = Duration.milliseconds(300)
        public init() {}
    }

    public let configuration: KioskConfiguration
    public let runtime: KioskRuntime
    public let controlServer: ControlServer
    /// The uploader and the pickup sync; nil when no platform is configured.
    public let platform: PlatformServices?
    /// The remote window's listener; nil without a `remote:` section.
    public let remoteWindow: RemoteWindowServer?
    let notifier: SystemdNotifier
    let options: Options
    let logger: Logger

    /// Opens the store, builds the devices and the runtime. Throws with a message an
    /// administrator can act on.
    public init(checked: CheckedConfiguration, options: Options, logger: Logger) throws {
        let configuration = checked.configuration
        self.configuration = configuration
        var devices: [ManagedDevice] = []
        for entry in configuration.devices {
            guard let model = checked.catalog.model(entry.model) else { continue }
            devices.append(ManagedDevice(try DeviceDrivers.kiosk.makeDevice(for: model, id: entry.id, connection: entry.connection),
                                         role: entry.role))
        }
        let databasePath = options.databasePath ?? configuration.databasePath
        try FileManager.default.createDirectory(atPath: (databasePath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let store = try KioskStore(path: databasePath, logger: logger, sealer: try Self.sealer(configuration.sealing, logger: logger))
        var sampleCode = "00000000"
        if let demoFile = configuration.demoPickups, options.demo {
            let data = try DemoData.load(demoFile, keys: HolderKeys(salt: configuration.holderKeySalt), codes: checked.content.codes)
            try data.install(into: store)
            sampleCode = data.sampleCode ?? sampleCode
        }
        let simulator = Simulator(devices: devices, sampleCode: sampleCode)
        let manager = DeviceManager(devices: devices, families: DeviceDrivers.kiosk.families, logger: logger)
        notifier = SystemdNotifier()
        let link = PlatformLink(configuration.platform.url == nil ? .notConfigured : .unknown)
        let metrics = KioskMetrics()
        platform = try PlatformServices.make(configuration: configuration, store: store, link: link,
                                             metrics: metrics, logger: logger)
        runtime = KioskRuntime(settings: configuration.runtimeSettings, content: checked.content, store: store, devices: manager,
                               simulator: simulator.isEmpty ? nil : simulator, reportStatus: { [notifier] in notifier.status($0) },
                               metrics: metrics, platformLink: link, logger: logger)
        link.observe { [runtime] state in
            switch state {
            case .online: runtime.send(.connectivity(true))
            case .offline: runtime.send(.connectivity(false))
            case .unknown, .notConfigured: runtime.send(.connectivity(nil))
            }
        }
        let socket = options.socketPath ?? configuration.socketPath ?? ControlSocket.pathToListen()
        var platformSync: (@Sendable () -> Void)?
        if let sync = platform?.sync { platformSync = { sync.wake() } }
        controlServer = ControlServer(path: socket, runtime: runtime,
                                      operatorGroup: options.operatorGroup ?? configuration.operatorGroup,
                                      platformSync: platformSync, logger: logger)
        if let remote = configuration.remote {
            remoteWindow = try RemoteWindowServer(configuration: remote, runtime: runtime, logger: logger)
        } else {
            remoteWindow = nil
        }
        self.options = options
        self.logger = logger
    }

    /// The sealer for personal payloads: from the `sealing-key` credential or the configured file.
    /// Without a key the kiosk refuses to start when sealing is required, and otherwise keeps
    /// payloads in the clear and says so.
    static func sealer(_ sealing: SealingConfiguration, logger: Logger,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Sealer? {
        do {
            let keyring = try SealingKeyring.load(environment: environment, keyFile: sealing.keyFile)
            logger.info("personal data is sealed at rest", metadata: ["keys": "\(keyring.keyIds.count)", "current": "\(keyring.currentKeyId)"])
            return Sealer(keyring: keyring)
        } catch {
            if sealing.required {
                throw SealingRequired(reason: error.description)
            }
            if case .noKey = error {
                logger.warning("no sealing key: personal data in the queue is kept in the clear; set sealing.required and provide the sealing-key credential on a real kiosk")
                return nil
            }
            throw SealingRequired(reason: error.description)
        }
    }

    /// Runs until SIGTERM (or, with a console, until the viewer detaches). Shutdown is graceful and
    /// bounded so systemd's stop never has to kill.
    public func run() async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: runtime), .init(service: controlServer),
            .init(service: WatchdogService(runtime: runtime, deviceIDs: configuration.devices.map(\.id), notifier: notifier, logger: logger)),
        ]
        if let platform {
            services.insert(contentsOf: platform.services, at: 0)
        }
        if let listen = configuration.metricsListen {
            // A taken port costs the endpoint (logged), never the kiosk.
            services.append(.init(service: MetricsHTTPServer(host: listen.host, port: listen.port, metrics: runtime.metrics,
                                                              refresh: { [runtime] in runtime.refreshQueueMetrics() },
                                                              logger: logger),
                                  failureTerminationBehavior: .ignore))
        }
        if let remoteWindow {
            // A taken port costs the remote window (logged), never the kiosk.
            services.append(.init(service: remoteWindow, failureTerminationBehavior: .ignore))
        }
        if options.attachConsole {
            services.append(.init(service: ConsoleViewerService(runtime: runtime),
                                  successTerminationBehavior: .gracefullyShutdownGroup,
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.maximumGracefulShutdownDuration = options.gracefulShutdown
        configuration.maximumCancellationDuration = options.cancellation
        try await ServiceGroup(configuration: configuration).run()
        try? runtime.store.close()
        logger.info("kioskd stopped")
    }
}

/// Sealing is required (or a key is configured) but the key cannot be used.
struct SealingRequired: Error, CustomStringConvertible {
    var reason: String
    var description: String {
        "personal data must be sealed at rest and no usable sealing key was found: \(reason)"
    }
}
