import Hummingbird
import NIOCore

/// The request context of the stand-in's routes: Hummingbird's core storage, plus the channel
/// (so a fault can drop the connection without an answer) and the kiosk the bearer token
/// belongs to, once ``KioskAuthMiddleware`` has checked it.
struct StandInContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The connection the request came in on.
    let channel: any Channel
    /// The kiosk whose token authenticated the request; nil before authentication and on `/admin`.
    var kioskID: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bodies are collected explicitly with their own limits (events 4 MiB, documents); this
    /// only bounds Hummingbird's own decoding, which the admin JSON endpoints use.
    var maxUploadSize: Int { 1024 * 1024 }
}
