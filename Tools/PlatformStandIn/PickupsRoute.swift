import Hummingbird
import Outbox

/// `GET /v1/kiosks/{kioskId}/pickups?since=CURSOR&limit=N`: the pickups changed after the
/// cursor, in change order, withdrawn and collected ones included so the kiosk can update or
/// purge its cache.
///
/// The cursor is the change sequence number of the last pickup returned, as a decimal string;
/// no `since` means from the start. `limit` defaults to 500 and is capped at 1000.
struct PickupsRoute: Sendable {
    let store: StandInStore

    static let defaultLimit = 500
    static let maximumLimit = 1000

    func register(on group: RouterGroup<StandInContext>) {
        group.get("kiosks/:kioskId/pickups") { request, context in
            try await get(request, context: context)
        }
    }

    func get(_ request: Request, context: StandInContext) async throws -> Response {
        _ = try context.requireKiosk()
        let query = request.uri.queryParameters
        var since: Int64 = 0
        if let text = query["since"].map(String.init), !text.isEmpty {
            guard let value = Int64(text), value >= 0 else {
                throw ProblemError(.badRequest, "bad cursor", detail: "since must be a cursor this API returned")
            }
            since = value
        }
        var limit = Self.defaultLimit
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), value >= 1 else {
                throw ProblemError(.badRequest, "bad limit", detail: "limit must be a whole number from 1 to \(Self.maximumLimit)")
            }
            limit = min(value, Self.maximumLimit)
        }
        return .json(try await store.pickups(since: since, limit: limit))
    }
}
