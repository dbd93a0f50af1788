import Foundation
import Hummingbird
import Logging
import Outbox
import ServiceLifecycle

/// The platform stand-in as a swift-service-lifecycle `Service`: an HTTP server (Hummingbird 2)
/// over its own SQLite store, serving the platform API of `docs/api/platform.yaml` under `/v1`
/// and an admin API under `/admin`.
///
/// Run it in a `ServiceGroup` (as `kiosk-platform serve` does, stopping on SIGTERM and SIGINT),
/// or in-process with ``RunningStandIn/start(_:logger:)``, which hands back a ``RunningStandIn``
/// that knows the bound port. ``run()`` may be called once.
///
/// The admin operations are also methods here, so in-process callers need no HTTP for them.
public final class StandInServer: Service, Sendable {
    public let configuration: StandInConfiguration
    let store: StandInStore
    let injector: FaultInjector
    let statsRecorder = StatsRecorder()
    let logger: Logger
    private let listening = ListeningSignal()

    /// Checks the configuration, creates the data folder, opens (or creates) the store and
    /// stores the configured seed. Nothing listens until ``run()``.
    public init(configuration: StandInConfiguration, logger: Logger = Logger(label: "kiosk.platform")) async throws(StandInError) {
        try configuration.validate()
        var logger = logger
        logger.logLevel = configuration.logLevel
        self.logger = logger
        self.configuration = configuration
        do {
            try FileManager.default.createDirectory(at: configuration.attachmentsDirectory, withIntermediateDirectories: true)
        } catch {
            throw .invalidConfiguration("cannot create \(configuration.attachmentsDirectory.path): \(error.localizedDescription)")
        }
        store = try StandInStore(path: configuration.databasePath, logger: logger)
        injector = FaultInjector(faults: configuration.faults, seed: configuration.randomSeed)
        if let seed = configuration.seed {
            try await self.seed(seed)
        }
    }

    /// Serves until graceful shutdown (from the enclosing `ServiceGroup`) or cancellation.
    public func run() async throws {
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "kiosk-platform"),
            onServerRunning: { [listening] channel in
                listening.succeed(port: channel.localAddress?.port ?? 0)
            },
            logger: logger)
        do {
            try await app.run()
        } catch {
            listening.fail(StandInError.notListening("\(error)"))
            throw error
        }
        listening.fail(StandInError.notListening("the server stopped"))
    }

    /// The port the server listens on, once it does. Throws ``StandInError/notListening(_:)``
    /// when ``run()`` ended first (for example because the port is taken).
    public func waitUntilListening() async throws -> Int {
        try await listening.wait()
    }

    /// The routes: `/v1` behind fault injection and kiosk tokens, `/admin` behind the admin
    /// token. Errors everywhere answer with a ``PlatformAPI/Problem``.
    func makeRouter() -> Router<StandInContext> {
        let router = Router(context: StandInContext.self)
        router.add(middleware: ProblemMiddleware())
        let tokens = TokenBook(kioskTokens: configuration.kioskTokens, adminToken: configuration.adminToken)

        let v1 = router.group("v1")
            .add(middleware: FaultMiddleware(injector: injector, stats: statsRecorder))
            .add(middleware: KioskAuthMiddleware(tokens: tokens))
        EventsRoute(store: store, stats: statsRecorder, maxItems: configuration.maxBatchItems,
                    maxBytes: configuration.maxBatchBytes).register(on: v1)
        PickupsRoute(store: store).register(on: v1)
        DocumentsRoute(store: store).register(on: v1)
        AttachmentsRoute(directory: configuration.attachmentsDirectory,
                         maxBytes: configuration.maxAttachmentBytes).register(on: v1)

        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(tokens: tokens))
        AdminRoutes(server: self).register(on: admin)
        return router
    }
}

// MARK: - Admin operations

extension StandInServer {
    /// The counters since start.
    public func stats() -> StandInStats { statsRecorder.snapshot }

    /// The faults in force.
    public func faults() -> Faults { injector.faults }

    /// Replaces the faults in force; the next `/v1` request sees them.
    public func setFaults(_ faults: Faults) throws(StandInError) {
        try faults.validate()
        injector.faults = faults
        logger.info("faults set", metadata: [
            "failureRate": "\(faults.failureRate)", "dropRate": "\(faults.dropRate)",
            "throttleRate": "\(faults.throttleRate)", "latencyMilliseconds": "\(faults.latencyMilliseconds)",
        ])
    }

    /// The events stored for a kiosk, in arrival order, optionally of one type.
    public func events(kioskID: String, type: String? = nil) async throws(StandInError) -> [StoredEvent] {
        try await store.events(kioskID: kioskID, type: type)
    }

    /// Inserts or replaces pickups; each moves the change sequence, so kiosks see it at their
    /// next sync.
    public func upsertPickups(_ pickups: [PlatformAPI.PickupRecord]) async throws(StandInError) {
        try await store.upsertPickups(pickups)
    }

    /// The pickup with this id as the platform holds it now, or nil.
    public func pickup(id: String) async throws(StandInError) -> PlatformAPI.PickupRecord? {
        try await store.pickup(id: id)
    }

    /// Records a collection somewhere else (a counter, another region): a kiosk that collects it
    /// afterwards gets `conflict`.
    @discardableResult
    public func collectElsewhere(pickupID: String, by: String, at: Date = Date()) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await store.collectElsewhere(pickupID: pickupID, by: by, at: at)
    }

    /// Withdraws a pickup: kiosks see it with state `withdrawn` and purge it.
    @discardableResult
    public func withdraw(pickupID: String) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await store.withdraw(pickupID: pickupID)
    }

    /// Stores a document and returns its digest, the name kiosks fetch it by.
    @discardableResult
    public func storeDocument(
        _ bytes: Data, contentType: String = "application/pdf", expectedDigest: String? = nil
    ) async throws(StandInError) -> (digest: String, created: Bool) {
        try await store.storeDocument(bytes, contentType: contentType, expectedDigest: expectedDigest)
    }

    /// Stores a seed's documents, and those of its pickups the store does not know yet.
    /// Returns how many pickups were new.
    @discardableResult
    public func seed(_ seed: DemoSeed) async throws(StandInError) -> Int {
        for document in seed.documents {
            _ = try await store.storeDocument(document.bytes, contentType: document.contentType)
        }
        let inserted = try await store.insertMissingPickups(seed.pickups)
        logger.info("seeded", metadata: ["pickups": "\(seed.pickups.count)", "new": "\(inserted)",
                                         "documents": "\(seed.documents.count)"])
        return inserted
    }
}
