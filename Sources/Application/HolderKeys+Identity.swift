import DeviceKit
import Outbox

extension HolderKeys {
    public func holderKey(kind: Identity.Kind, number: String) -> String { holderKey(kind: kind.rawValue, number: number) }

    public func holderKey(for identity: Identity) -> String { holderKey(kind: identity.kind, number: identity.number) }
}
