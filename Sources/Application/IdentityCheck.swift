import DeviceKit
import Synchronization

/// Operators waiting for the next identity document presented at the kiosk (`Identity.Verify`):
/// each gets the document, or nil when its time is up. The runtime offers every document read.
public final class IdentityCheck: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Identity?, Never>
    }

    private let state = Mutex<(next: Int, list: [Waiter])>((0, []))

    /// Waits for the next document, at most `timeout`.
    public func next(timeout: Duration) async -> Identity? {
        await withCheckedContinuation { continuation in
            let id = state.withLock { state in
                state.next += 1
                state.list.append(Waiter(id: state.next, continuation: continuation))
                return state.next
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.resume(id, with: nil)
            }
        }
    }

    /// A document was read: every waiting operator gets it.
    func offer(_ identity: Identity) {
        let all = state.withLock { state in
            defer { state.list = [] }
            return state.list
        }
        for waiter in all { waiter.continuation.resume(returning: identity) }
    }

    var isWaiting: Bool { waiters > 0 }
    var waiters: Int { state.withLock { $0.list.count } }

    private func resume(_ id: Int, with identity: Identity?) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.list.firstIndex(where: { $0.id == id }) else { return nil }
            return state.list.remove(at: index)
        }
        waiter?.continuation.resume(returning: identity)
    }
}
