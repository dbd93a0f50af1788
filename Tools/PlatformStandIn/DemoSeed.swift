import Foundation
import Outbox
import YAMLData

/// Pickups and documents for the stand-in to serve, read from the kiosk's demo manifest
/// (`Kiosk/demo/pickups.yaml`), so the demo kiosk and the stand-in agree on every pickup.
///
/// The manifest holds holder numbers and pickup codes in the clear so it is easy to edit. They
/// are hashed here exactly as the kiosk hashes what a citizen presents, with the salt both are
/// configured with:
///
/// - `holderKey` = lower-hex SHA-256 of `"\(salt)|\(kind)|\(NUMBER upper-cased)"`, where `kind`
///   is the manifest's `holder.kind` (`resident-id`, `passport`, …);
/// - `pickupCodeHash` = lower-hex SHA-256 of `"\(salt)|pickup-code|\(code)"`.
///
/// Problems are reported the way every data file of the project reports them,
/// `file:line: field: problem`, all of them in one pass.
public struct DemoSeed: Sendable, Equatable {
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

    /// Reads a manifest file; document paths are relative to its folder. The `results` section
    /// (result statuses the kiosk shows) is allowed and ignored: the API does not serve it.
    public static func load(file: URL, salt: String, displayPath: String? = nil) throws(ConfigProblems) -> DemoSeed {
        let data = DataFile(contentsOf: file, displayPath: displayPath ?? file.relativePath)
        guard let root = data.root, data.problems.isEmpty else { throw ConfigProblems(data.problems) }
        var seed = DemoSeed(pickups: [], documents: [])
        var documentsByPath: [String: Document] = [:]
        var ids: Set<String> = []
        root.rejectUnknownKeys(["pickups", "results"])
        for item in root.required("pickups")?.list() ?? [] {
            item.rejectUnknownKeys(["id", "holder", "pickup-code", "title", "department", "result-code", "document"])
            let idNode = item.required("id")
            guard let id = idNode?.nonEmptyString(),
                  let holder = item.required("holder"),
                  let title = item.required("title").flatMap(Self.bilingual),
                  let department = item.required("department").flatMap(Self.bilingual) else { continue }
            if !ids.insert(id).inserted { idNode?.problem("pickup id \(id) appears twice") }
            holder.rejectUnknownKeys(["kind", "number"])
            guard let kind = holder.required("kind")?.nonEmptyString(),
                  let number = holder.required("number")?.nonEmptyString() else { continue }
            let code = item.optional("pickup-code")?.nonEmptyString()
            var digest: String?
            if let node = item.optional("document"), let path = node.nonEmptyString() {
                if let document = documentsByPath[path] {
                    digest = document.digest
                } else if let bytes = FileManager.default.contents(
                    atPath: file.deletingLastPathComponent().appendingPathComponent(path).path) {
                    let document = Document(path: path, contentType: Self.contentType(of: path), bytes: bytes)
                    documentsByPath[path] = document
                    seed.documents.append(document)
                    digest = document.digest
                } else {
                    node.problem("cannot read \(path) next to the manifest")
                }
            }
            if let code { seed.pickupCodes[id] = code }
            seed.pickups.append(PlatformAPI.PickupRecord(
                id: id, holderKey: holderKey(salt: salt, kind: kind, number: number),
                pickupCodeHash: code.map { pickupCodeHash(salt: salt, code: $0) },
                titleZh: title.zh, titleEn: title.en, departmentZh: department.zh, departmentEn: department.en,
                resultCode: item.optional("result-code")?.nonEmptyString(), documentDigest: digest))
        }
        if !data.problems.isEmpty { throw ConfigProblems(data.problems) }
        return seed
    }

    /// `hex(SHA-256(salt|kind|NUMBER))`: the number upper-cased, so an `x` check character matches.
    public static func holderKey(salt: String, kind: String, number: String) -> String {
        sha256Hex(Data("\(salt)|\(kind)|\(number.uppercased())".utf8))
    }

    /// `hex(SHA-256(salt|pickup-code|CODE))`.
    public static func pickupCodeHash(salt: String, code: String) -> String {
        sha256Hex(Data("\(salt)|pickup-code|\(code)".utf8))
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
