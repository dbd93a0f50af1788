import Foundation
import Logging
import Outbox
import ServiceLifecycle

/// A stand-in running in this process, started by ``start(_:logger:)``: its address, the admin
/// operations, and ``stop()``.
///
/// Call ``stop()`` when done; it shuts the server down gracefully and waits for it. Or use
/// ``withRunning(_:logger:isolation:_:)``, which cannot forget to.
public final class RunningStandIn: Sendable {
    /// The server, for anything not forwarded here.
    public let server: StandInServer
    /// The bound port (the real one when the configuration asked for port 0).
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(server: StandInServer, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://HOST:PORT`, with `127.0.0.1` for a wildcard listen address.
    public var baseURL: String {
        let host = server.configuration.host
        let shown = host == "0.0.0.0" || host == "::" || host.isEmpty ? "127.0.0.1" : (host.contains(":") ? "[\(host)]" : host)
        return "http://\(shown):\(port)"
    }

    /// Shuts the server down gracefully (in-flight requests finish) and waits until it has.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    public func setFaults(_ faults: Faults) throws(StandInError) { try server.setFaults(faults) }

    public func faults() -> Faults { server.faults() }

    public func stats() -> StandInStats { server.stats() }

    public func events(kioskId: String, type: String? = nil) async throws(StandInError) -> [StoredEvent] {
        try await server.events(kioskID: kioskId, type: type)
    }

    public func upsertPickups(_ pickups: [PlatformAPI.PickupRecord]) async throws(StandInError) {
        try await server.upsertPickups(pickups)
    }

    public func pickup(id: String) async throws(StandInError) -> PlatformAPI.PickupRecord? {
        try await server.pickup(id: id)
    }

    /// Stores a document and returns its digest.
    @discardableResult
    public func storeDocument(_ bytes: Data, contentType: String = "application/pdf") async throws(StandInError) -> String {
        try await server.storeDocument(bytes, contentType: contentType).digest
    }

    @discardableResult
    public func collectElsewhere(pickupId: String, by: String, at: Date = Date()) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await server.collectElsewhere(pickupID: pickupId, by: by, at: at)
    }

    @discardableResult
    public func withdraw(pickupId: String) async throws(StandInError) -> PlatformAPI.PickupRecord {
        try await server.withdraw(pickupID: pickupId)
    }
}

extension RunningStandIn {
    /// Starts a stand-in in this process and returns once it listens.
    ///
    /// The server runs in its own `ServiceGroup` (without signal handling: the host process owns
    /// its signals) in a task that ``RunningStandIn/stop()`` ends and awaits.
    public static func start(
        _ configuration: StandInConfiguration, logger: Logger = Logger(label: "kiosk.platform")
    ) async throws -> RunningStandIn {
        let server = try await StandInServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: server.logger))
        let task = Task { try await group.run() }
        do {
            let port = try await server.waitUntilListening()
            return RunningStandIn(server: server, port: port, group: group, task: task)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw error
        }
    }

    /// Runs `body` with a started stand-in and stops it afterwards, also when `body` throws.
    public static func withRunning<T>(
        _ configuration: StandInConfiguration, logger: Logger = Logger(label: "kiosk.platform"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RunningStandIn) async throws -> T
    ) async throws -> T {
        let running = try await start(configuration, logger: logger)
        do {
            let result = try await body(running)
            await running.stop()
            return result
        } catch {
            await running.stop()
            throw error
        }
    }
}
