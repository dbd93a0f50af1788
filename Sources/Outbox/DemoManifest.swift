import Foundation
import YAMLData

/// The demo's pickup manifest (`Kiosk/demo/pickups.yaml`): what the platform would send, with the
/// holder numbers and pickup codes in the clear so the file is easy to edit. The demo kiosk and the
/// platform stand-in both read it here, with the same checks, and hash it with the same
/// ``HolderKeys``, so they agree on every pickup.
///
/// Problems are reported the way every data file of the project reports them,
/// `file:line: field: problem`, all of them in one pass.
public struct DemoManifest: Sendable, Equatable {
    /// One document file named by a pickup.
    public struct Document: Sendable, Equatable {
        /// The path as the manifest gives it, relative to the manifest's folder.
        public var path: String
        public var contentType: String
        public var bytes: Data
        /// Lower-hex SHA-256 of ``bytes``.
        public var digest: String

        public init(path: String, contentType: String, bytes: Data) {
            self.path = path
            self.contentType = contentType
            self.bytes = bytes
            self.digest = sha256Hex(bytes)
        }
    }

    /// The pickups, their holder numbers and codes already hashed.
    public var pickups: [Pickup]
    /// The documents the pickups name, each once, in the order first named.
    public var documents: [Document]
    /// Result statuses for the progress query.
    public var results: [ResultStatus]
    /// The pickup codes in the clear, by pickup id, for demos and tests that must type one.
    public var pickupCodes: [String: String]

    /// What a reader of the manifest may check beyond its shape.
    public struct Rules: Sendable {
        /// The document kinds a holder may have; nil accepts any name.
        public var holderKinds: [String]?
        /// Whether a string is a pickup code the kiosk would recognise when scanned or typed.
        public var isPickupCode: (@Sendable (String) -> Bool)?
        /// Why a code was refused, for the problem line.
        public var pickupCodeRule: String

        public init(holderKinds: [String]? = nil, isPickupCode: (@Sendable (String) -> Bool)? = nil,
                    pickupCodeRule: String = "not a pickup code") {
            self.holderKinds = holderKinds
            self.isPickupCode = isPickupCode
            self.pickupCodeRule = pickupCodeRule
        }
    }

    /// Reads a manifest file; document paths are relative to its folder.
    public static func load(file: URL, displayPath: String, keys: HolderKeys, rules: Rules = Rules()) throws(ConfigProblems) -> DemoManifest {
        let data = DataFile(contentsOf: file, displayPath: displayPath)
        guard let root = data.root, data.problems.isEmpty else { throw ConfigProblems(data.problems) }
        var manifest = DemoManifest(pickups: [], documents: [], results: [], pickupCodes: [:])
        var documentsByPath: [String: Document] = [:]
        var ids: Set<String> = []
        root.rejectUnknownKeys(["pickups", "results"])
        for item in root.required("pickups")?.list() ?? [] {
            item.rejectUnknownKeys(["id", "holder", "pickup-code", "title", "department", "result-code", "document"])
            let idNode = item.required("id")
            guard let id = idNode?.nonEmptyString(),
                  let holder = item.required("holder"),
                  let title = item.required("title").flatMap(bilingual),
                  let department = item.required("department").flatMap(bilingual) else { continue }
            if !ids.insert(id).inserted { idNode?.problem("pickup id \(id) appears twice") }
            holder.rejectUnknownKeys(["kind", "number"])
            let kindNode = holder.required("kind")
            guard let kind = kindNode?.nonEmptyString(), let number = holder.required("number")?.nonEmptyString() else { continue }
            if let kinds = rules.holderKinds, !kinds.contains(kind) {
                kindNode?.problem("use one of: \(kinds.joined(separator: ", "))")
                continue
            }
            let codeNode = item.optional("pickup-code")
            let code = codeNode?.nonEmptyString()
            if let code, let isPickupCode = rules.isPickupCode, !isPickupCode(code) {
                codeNode?.problem(rules.pickupCodeRule)
            }
            var digest: String?
            if let node = item.optional("document"), let path = node.nonEmptyString() {
                if let document = documentsByPath[path] {
                    digest = document.digest
                } else if let bytes = FileManager.default.contents(
                    atPath: file.deletingLastPathComponent().appendingPathComponent(path).path) {
                    let document = Document(path: path, contentType: contentType(of: path), bytes: bytes)
                    documentsByPath[path] = document
                    manifest.documents.append(document)
                    digest = document.digest
                } else {
                    node.problem("cannot read \(path) next to the manifest")
                }
            }
            if let code { manifest.pickupCodes[id] = code }
            manifest.pickups.append(Pickup(
                id: id, holderKey: keys.holderKey(kind: kind, number: number), pickupCodeHash: code.map(keys.pickupCodeHash),
                titleZh: title.zh, titleEn: title.en, departmentZh: department.zh, departmentEn: department.en,
                resultCode: item.optional("result-code")?.nonEmptyString(), documentDigest: digest))
        }
        for item in root.optional("results")?.list() ?? [] {
            item.rejectUnknownKeys(["code", "status", "title", "updated"])
            guard let code = item.required("code")?.nonEmptyString(),
                  let status = item.required("status")?.nonEmptyString(),
                  let title = item.required("title").flatMap(bilingual),
                  let updatedNode = item.required("updated"), let updatedText = updatedNode.string() else { continue }
            guard let updated = try? Date(updatedText, strategy: .iso8601.year().month().day()) else {
                updatedNode.problem("use a date like 2026-11-20")
                continue
            }
            manifest.results.append(ResultStatus(code: code.uppercased(), status: .init(rawValue: status),
                                                 titleZh: title.zh, titleEn: title.en, updatedAt: updated))
        }
        if !data.problems.isEmpty { throw ConfigProblems(data.problems) }
        return manifest
    }

    /// A `{zh-Hans: …, en: …}` pair.
    private static func bilingual(_ node: DataNode) -> (zh: String, en: String)? {
        node.rejectUnknownKeys(["zh-Hans", "en"])
        guard let zh = node.required("zh-Hans")?.nonEmptyString(), let en = node.required("en")?.nonEmptyString() else {
            return nil
        }
        return (zh, en)
    }

    private static func contentType(of path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
