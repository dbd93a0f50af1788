import Foundation
import Hummingbird
import NIOCore
import Outbox

/// `/admin`: what tests, the demo and benchmarks use to arrange the platform's side and to look
/// at what arrived. Authenticated with the admin token; never subject to injected faults. Not
/// part of the platform API (`docs/api/platform.yaml` only mentions it).
struct AdminRoutes: Sendable {
    let server: StandInServer

    /// The body of `POST /admin/pickups/{id}/collect`.
    struct CollectRequest: Codable, Sendable {
        /// Where it was collected, e.g. `counter-3`.
        var by: String
        /// When; now if left out.
        var at: Date?
    }

    func register(on group: RouterGroup<StandInContext>) {
        group.get("stats") { _, _ in
            Response.json(server.stats())
        }
        group.get("kiosks/:kioskId/events") { request, context in
            let kioskID = try context.parameters.require("kioskId")
            let type = request.uri.queryParameters["type"].map(String.init)
            return Response.json(StoredEventList(events: try await server.events(kioskID: kioskID, type: type)))
        }
        group.get("faults") { _, _ in
            Response.json(server.faults())
        }
        group.put("faults") { request, _ in
            let faults = try await decode(Faults.self, from: request)
            do {
                try server.setFaults(faults)
            } catch {
                throw ProblemError(.badRequest, "bad faults", detail: "\(error)")
            }
            return Response.json(faults)
        }
        group.put("pickups") { request, _ in
            let pickups = try await decode([PlatformAPI.PickupRecord].self, from: request)
            try await server.upsertPickups(pickups)
            return Response.json(["upserted": pickups.count])
        }
        group.get("pickups/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let pickup = try await server.pickup(id: id) else { throw unknownPickup(id) }
            return Response.json(pickup)
        }
        group.post("pickups/:id/collect") { request, context in
            let id = try context.parameters.require("id")
            let body = try await decode(CollectRequest.self, from: request)
            guard !body.by.isEmpty else { throw ProblemError(.badRequest, "bad collection", detail: "by must name where") }
            do {
                return Response.json(try await server.collectElsewhere(pickupID: id, by: body.by, at: body.at ?? Date()))
            } catch StandInError.unknownPickup {
                throw unknownPickup(id)
            }
        }
        group.post("pickups/:id/withdraw") { _, context in
            let id = try context.parameters.require("id")
            do {
                return Response.json(try await server.withdraw(pickupID: id))
            } catch StandInError.unknownPickup {
                throw unknownPickup(id)
            }
        }
        group.put("documents/:sha256") { request, context in
            let digest = try PathCheck.digest(context)
            let contentType = request.headers[.contentType] ?? "application/octet-stream"
            let bytes = try await collect(request, limit: server.configuration.maxDocumentBytes)
            do {
                let stored = try await server.storeDocument(bytes, contentType: contentType, expectedDigest: digest)
                return Response.json(["sha256": stored.digest], status: stored.created ? .created : .ok)
            } catch StandInError.digestMismatch(_, let actual) {
                throw ProblemError(.badRequest, "digest mismatch", detail: "the bytes hash to \(actual)")
            }
        }
    }

    private func unknownPickup(_ id: String) -> ProblemError {
        ProblemError(.notFound, "unknown pickup", detail: "no pickup has id \(id)")
    }

    private func collect(_ request: Request, limit: Int) async throws -> Data {
        var request = request
        do {
            return Data(try await request.collectBody(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ProblemError(.contentTooLarge, "body too large", detail: "at most \(limit) bytes")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let body = try await collect(request, limit: 16 * 1024 * 1024)
        do {
            return try PlatformAPI.makeDecoder().decode(type, from: body)
        } catch {
            throw ProblemError(.badRequest, "bad body", detail: EventsRoute.describe(error))
        }
    }
}
