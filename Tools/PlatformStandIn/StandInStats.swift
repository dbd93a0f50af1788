import Synchronization

/// What the stand-in has seen since it started, for tests, benchmarks and `GET /admin/stats`.
///
/// Counts are kept in memory and start from zero at every start; the stored events themselves
/// survive in the SQLite file.
public struct StandInStats: Codable, Sendable, Equatable {
    /// `/v1` requests received, including those answered with an injected fault.
    public var requests: Int
    /// Items stored for the first time and answered `accepted`.
    public var itemsAccepted: Int
    /// Items answered `duplicate`: already stored by an earlier request.
    public var duplicates: Int
    /// Items stored and answered `conflict` (a pickup collected elsewhere or withdrawn).
    public var conflicts: Int
    /// Items answered `rejected`.
    public var rejected: Int
    /// Batches answered from the stored response of an earlier request with the same
    /// `Idempotency-Key` and body.
    public var replays: Int
    /// Injected faults by kind: `failure`, `throttle`, `drop-before`, `drop-after`.
    public var faultsInjected: [String: Int]

    public init(
        requests: Int = 0, itemsAccepted: Int = 0, duplicates: Int = 0, conflicts: Int = 0,
        rejected: Int = 0, replays: Int = 0, faultsInjected: [String: Int] = [:]
    ) {
        self.requests = requests
        self.itemsAccepted = itemsAccepted
        self.duplicates = duplicates
        self.conflicts = conflicts
        self.rejected = rejected
        self.replays = replays
        self.faultsInjected = faultsInjected
    }
}

/// The counters behind ``StandInStats``, updated from many requests at once.
final class StatsRecorder: Sendable {
    private let stats = Mutex(StandInStats())

    var snapshot: StandInStats { stats.withLock { $0 } }

    func update(_ change: (inout StandInStats) -> Void) {
        stats.withLock { change(&$0) }
    }

    func countRequest() { update { $0.requests += 1 } }

    func countFault(_ kind: String) { update { $0.faultsInjected[kind, default: 0] += 1 } }

    /// Adds the per-item answers of one processed batch.
    func count(_ counts: ItemCounts) {
        update { stats in
            stats.itemsAccepted += counts.accepted
            stats.duplicates += counts.duplicates
            stats.conflicts += counts.conflicts
            stats.rejected += counts.rejected
        }
    }
}

/// How many items of a batch got each answer.
struct ItemCounts: Sendable, Equatable {
    var accepted = 0
    var duplicates = 0
    var conflicts = 0
    var rejected = 0
}
