import Foundation
import Outbox
import YAMLData

/// Pickups and documents for the stand-in to serve, read from the kiosk's demo manifest
/// (`Kiosk/demo/pickups.yaml`) by Outbox's ``DemoManifest`` and hashed with ``HolderKeys``, exactly
/// as the demo kiosk reads and hashes it, so the two agree on every pickup.
public struct DemoSeed: Sendable, Equatable {
    public typealias Document = DemoManifest.Document

    public var pickups: [PlatformAPI.PickupRecord]
    public var documents: [Document]
    /// The pickup codes in the clear, by pickup id, for demos and tests that must type one.
    public var pickupCodes: [String: String]

    public init(pickups: [PlatformAPI.PickupRecord], documents: [Document], pickupCodes: [String: String] = [:]) {
        self.pickups = pickups
        self.documents = documents
        self.pickupCodes = pickupCodes
    }

    /// Reads `pickups.yaml` in `folder` (e.g. `Kiosk/demo`).
    public static func load(folder: URL, salt: String) throws(ConfigProblems) -> DemoSeed {
        try load(file: folder.appendingPathComponent("pickups.yaml"), salt: salt)
    }

    /// Reads a manifest file; document paths are relative to its folder. Its `results` (result
    /// statuses the kiosk shows) are checked and not served: the API has no endpoint for them.
    public static func load(file: URL, salt: String, displayPath: String? = nil) throws(ConfigProblems) -> DemoSeed {
        let manifest = try DemoManifest.load(file: file, displayPath: displayPath ?? file.relativePath, keys: HolderKeys(salt: salt))
        let pickups = manifest.pickups.map {
            PlatformAPI.PickupRecord(id: $0.id, holderKey: $0.holderKey, pickupCodeHash: $0.pickupCodeHash,
                                     titleZh: $0.titleZh, titleEn: $0.titleEn, departmentZh: $0.departmentZh,
                                     departmentEn: $0.departmentEn, resultCode: $0.resultCode, documentDigest: $0.documentDigest)
        }
        return DemoSeed(pickups: pickups, documents: manifest.documents, pickupCodes: manifest.pickupCodes)
    }
}
