import Application
import Foundation
import Logging
import Outbox
import ServiceLifecycle

/// The parts of the kiosk that talk to the platform: the uploader and the pickup sync, sharing one
/// pooled HTTP client and one link state. Without a configured platform URL there are none, and
/// everything stays queued.
public struct PlatformServices: Sendable {
    public let client: PlatformClient
    public let uploader: Uploader
    public let sync: PickupSync

    /// Builds them, reading the kiosk's token. Throws a message an administrator can act on.
    public static func make(
        configuration: KioskConfiguration, store: KioskStore, link: PlatformLink,
        metrics: KioskMetrics, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> PlatformServices? {
        let platform = configuration.platform
        guard let url = platform.url else { return nil }
        let token = try CredentialFile.readToken(credential: "platform-token", file: platform.tokenFile, environment: environment)
        let client = PlatformClient(endpoint: PlatformEndpoint(
            baseURL: url, kioskID: configuration.kioskID, token: token, requestTimeout: platform.requestTimeout))
        let uploader = Uploader(
            store: store, client: client, link: link, settings: platform.uploader,
            logger: logger, report: { report in
                metrics.uploadFinished(seconds: report.seconds, outcome: report.outcome)
            })
        store.observeQueued { uploader.wake() }
        let sync = PickupSync(store: store, client: client, link: link, interval: platform.syncInterval,
                              purgeAfter: platform.purgeExpiredAfter, logger: logger)
        return PlatformServices(client: client, uploader: uploader, sync: sync)
    }

    /// The services for the kiosk's service group.
    /// The group stops services in reverse order, so the client, first here, closes last.
    var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        [
            .init(service: LoopService(name: "platform-client", body: { [client] in
                // Holds the HTTP client open while the kiosk runs and closes its connections after the others stopped.
                try? await gracefulShutdown()
                await client.shutdown()
            })),
            .init(service: LoopService(name: "uploader", body: { [uploader] in await uploader.run() }),
                  failureTerminationBehavior: .ignore),
            .init(service: LoopService(name: "pickup-sync", body: { [sync] in await sync.run() }),
                  failureTerminationBehavior: .ignore),
        ]
    }
}

/// A loop that runs until the kiosk shuts down.
struct LoopService: Service {
    var name: String
    var body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await body()
        }
    }
}
