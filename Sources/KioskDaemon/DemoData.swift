import Application
import DeviceKit
import Flows
import Foundation
import Outbox
import YAMLData

/// The demo's pickups and result statuses (`Kiosk/demo/pickups.yaml`, read by Outbox's
/// ``DemoManifest`` as the platform stand-in reads it), with the kiosk's own checks: every holder
/// is a document kind a reader can present, and every pickup code is one the kiosk would recognise.
public struct DemoData: Sendable {
    public let manifest: DemoManifest

    public static func load(_ url: URL, keys: HolderKeys, codes: CodeClassifier) throws(ConfigProblems) -> DemoData {
        let rules = DemoManifest.Rules(
            holderKinds: Identity.Kind.allCases.map(\.rawValue),
            isPickupCode: { code in (try? codes.classify(Array(code.utf8)))?.value(for: .pickupCode) != nil },
            pickupCodeRule: "not a pickup code by codes.yaml (6 to 12 digits as shipped)")
        return DemoData(manifest: try DemoManifest.load(file: url, displayPath: CheckedConfiguration.display(url), keys: keys,
                                                        rules: rules))
    }

    /// The code the demo's "scan a code" key scans: the first pickup's that has one.
    public var sampleCode: String? {
        manifest.pickups.lazy.compactMap { manifest.pickupCodes[$0.id] }.first
    }

    /// Puts everything in the store, as a sync from the platform would.
    public func install(into store: KioskStore) throws(StoreError) {
        for document in manifest.documents {
            _ = try store.storeDocument(document.bytes, format: document.contentType)
        }
        try store.upsertPickups(manifest.pickups)
        try store.upsertResults(manifest.results)
    }
}
