import DeviceKit
import Outbox

extension CitizenRecord {
    /// The fields of a presented document that the department's records keep.
    init(identity: Identity) {
        self.init(kind: identity.kind.rawValue, number: identity.number, name: identity.name)
    }
}
