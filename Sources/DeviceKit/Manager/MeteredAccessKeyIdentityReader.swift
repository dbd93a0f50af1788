/// The passport reader a flow gets from ``DeviceManager/accessKeyIdentityReader(for:)``: the
/// driver's own, with reads counted in the manager's snapshot like a card reader's events.
/// A wrong key or an empty reader is the citizen's next step, not a failure of the device.
final class MeteredAccessKeyIdentityReader: AccessKeyIdentityReader, MeteredDevice {
    let base: any AccessKeyIdentityReader
    private let tally: DeviceTally

    init(base: any AccessKeyIdentityReader, tally: DeviceTally) {
        self.base = base
        self.tally = tally
    }

    var device: any Device { base }

    func read(accessKey: DocumentAccessKey) async throws(DeviceError) -> Identity {
        do {
            let identity = try await base.read(accessKey: accessKey)
            tally.count { $0.cardsRead += 1 }
            return identity
        } catch {
            if !Self.citizenCodes.contains(error.code) { tally.count { $0.readFailures += 1 } }
            throw error
        }
    }

    static let citizenCodes: Set<DeviceErrorCode> = [.accessDenied, .noDocument]
}
