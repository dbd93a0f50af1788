import Synchronization

/// Decides, request by request, which fault (if any) the stand-in injects, with a seedable
/// generator so a test can replay the same decisions.
///
/// The decision is separate from carrying it out (``FaultMiddleware``), so it can be tested
/// without a server.
final class FaultInjector: Sendable {
    /// What to do with one request.
    enum Decision: Equatable, Sendable {
        case none
        /// Answer 503 at once.
        case fail
        /// Answer 429 with this `Retry-After`.
        case throttle(retryAfterSeconds: Int)
        /// Close the connection without an answer, before or after processing.
        case drop(DropPhase)
    }

    /// When a dropped request loses its connection.
    enum DropPhase: String, Sendable {
        /// Nothing was processed.
        case beforeProcessing = "drop-before"
        /// The request was processed (a batch was committed) and only the answer is lost.
        case afterProcessing = "drop-after"
    }

    private struct State {
        var faults: Faults
        var generator: SplitMix64
    }

    private let state: Mutex<State>

    init(faults: Faults, seed: UInt64?) {
        var system = SystemRandomNumberGenerator()
        state = Mutex(State(faults: faults, generator: SplitMix64(seed: seed ?? system.next())))
    }

    var faults: Faults {
        get { state.withLock { $0.faults } }
        set { state.withLock { $0.faults = newValue } }
    }

    /// Draws the decision for the next request, with the faults in force now.
    ///
    /// A rate of 0 draws nothing, so turning a fault on or off does not shift the sequence the
    /// other faults see.
    func decide() -> (decision: Decision, latencyMilliseconds: Int) {
        state.withLock { state in
            let faults = state.faults
            func happens(_ rate: Double) -> Bool {
                guard rate > 0 else { return false }
                return Double.random(in: 0..<1, using: &state.generator) < rate
            }
            let decision: Decision
            if happens(faults.failureRate) {
                decision = .fail
            } else if happens(faults.throttleRate) {
                decision = .throttle(retryAfterSeconds: faults.retryAfterSeconds)
            } else if happens(faults.dropRate) {
                decision = .drop(Bool.random(using: &state.generator) ? .beforeProcessing : .afterProcessing)
            } else {
                decision = .none
            }
            return (decision, faults.latencyMilliseconds)
        }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64, as used to seed
/// xoshiro): not for secrets, only for reproducible fault sequences.
///
/// See <https://prng.di.unimi.it/splitmix64.c>.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
