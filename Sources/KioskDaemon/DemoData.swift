import DeviceKit
import Flows
import Foundation
import Outbox
import YAMLData

/// The demo's pickup manifest and result statuses, from `Kiosk/demo/pickups.yaml`: what the
/// platform would send, with the holder numbers and pickup codes in the clear so the file is easy
/// to edit; they are hashed on load, as the platform does before sending.
public struct DemoData: Sendable {
    public var pickups: [Pickup]
    public var results: [ResultStatus]
    /// Documents to cache, by the path the file names them with.
    public var documents: [String: Data]
    /// Pickup codes in the clear, for the demo's "scan a code" key.
    public var pickupCodes: [String]

    public static func load(_ url: URL, keys: HolderKeys, codes: CodeClassifier) throws(ConfigProblems) -> DemoData {
        let display = CheckedConfiguration.display(url)
        let file = DataFile(contentsOf: url, displayPath: display)
        var data = DemoData(pickups: [], results: [], documents: [:], pickupCodes: [])
        guard let root = file.root else { throw ConfigProblems(file.problems) }
        root.rejectUnknownKeys(["pickups", "results"])
        for item in root.required("pickups")?.list() ?? [] {
            item.rejectUnknownKeys(["id", "holder", "pickup-code", "title", "department", "result-code", "document"])
            guard let id = item.required("id")?.nonEmptyString(),
                  let holder = item.required("holder"),
                  let title = item.required("title").flatMap(Localized.read),
                  let department = item.required("department").flatMap(Localized.read) else { continue }
            holder.rejectUnknownKeys(["kind", "number"])
            guard let kind = holder.required("kind")?.oneOf(Identity.Kind.self),
                  let number = holder.required("number")?.nonEmptyString() else { continue }
            let code = item.optional("pickup-code")?.nonEmptyString()
            if let code, (try? codes.classify(Array(code.utf8)))?.value(for: .pickupCode) == nil {
                item.optional("pickup-code")?.problem("not a pickup code by codes.yaml (6 to 12 digits as shipped)")
            }
            var digest: String?
            if let documentNode = item.optional("document"), let path = documentNode.nonEmptyString() {
                let documentURL = url.deletingLastPathComponent().appendingPathComponent(path)
                if let bytes = FileManager.default.contents(atPath: documentURL.path) {
                    data.documents[path] = bytes
                    digest = sha256Hex(bytes)
                } else {
                    documentNode.problem("cannot read \(documentURL.path)")
                }
            }
            if let code { data.pickupCodes.append(code) }
            data.pickups.append(Pickup(
                id: id, holderKey: keys.holderKey(kind: kind, number: number),
                pickupCodeHash: code.map(keys.pickupCodeHash), titleZh: title.zhHans, titleEn: title.en,
                departmentZh: department.zhHans, departmentEn: department.en,
                resultCode: item.optional("result-code")?.nonEmptyString(), documentDigest: digest))
        }
        for item in root.optional("results")?.list() ?? [] {
            item.rejectUnknownKeys(["code", "status", "title", "updated"])
            guard let code = item.required("code")?.nonEmptyString(),
                  let status = item.required("status")?.nonEmptyString(),
                  let title = item.required("title").flatMap(Localized.read),
                  let updatedNode = item.required("updated"), let updatedText = updatedNode.string() else { continue }
            guard let updated = try? Date(updatedText, strategy: .iso8601.year().month().day()) else {
                updatedNode.problem("use a date like 2026-11-20")
                continue
            }
            data.results.append(ResultStatus(code: code.uppercased(), status: .init(rawValue: status),
                                             titleZh: title.zhHans, titleEn: title.en, updatedAt: updated))
        }
        if !file.problems.isEmpty { throw ConfigProblems(file.problems) }
        return data
    }

    /// Puts everything in the store, as a sync from the platform would.
    public func install(into store: KioskStore) throws(StoreError) {
        for (_, document) in documents.sorted(by: { $0.key < $1.key }) {
            _ = try store.storeDocument(document, format: "application/pdf")
        }
        try store.upsertPickups(pickups)
        try store.upsertResults(results)
    }
}
