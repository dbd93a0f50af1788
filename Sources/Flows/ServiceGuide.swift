import Foundation
import YAMLData

/// One government service a citizen can get guidance for, from `Kiosk/services/*.yaml`.
public struct ServiceGuide: Sendable, Equatable, Identifiable {
    public struct Material: Sendable, Equatable {
        public var name: Localized
        /// Whether the kiosk can scan this material into the submission.
        public var scannable: Bool
        public var copies: Int
    }

    public var id: String
    public var name: Localized
    public var department: Localized
    public var materials: [Material]
    public var fees: Localized
    public var timeLimit: Localized
    /// Where to go after submitting, e.g. which window or what happens next.
    public var nextStep: Localized

    public var hasScannableMaterials: Bool { materials.contains(where: \.scannable) }

    static let fields: Set<String> = ["id", "name", "department", "materials", "fees", "time-limit", "next-step"]

    static func read(_ file: DataFile, expectedID: String) -> ServiceGuide? {
        guard let root = file.root else { return nil }
        root.rejectUnknownKeys(fields)
        let id = root.required("id")?.nonEmptyString()
        if let id, id != expectedID, let node = root.required("id") {
            node.problem("\"\(id)\" must match the file name \"\(expectedID)\"")
        }
        let name = root.required("name").flatMap(Localized.read)
        let department = root.required("department").flatMap(Localized.read)
        let fees = root.required("fees").flatMap(Localized.read)
        let timeLimit = root.required("time-limit").flatMap(Localized.read)
        let nextStep = root.required("next-step").flatMap(Localized.read)
        var materials: [Material] = []
        if let list = root.required("materials")?.list() {
            if list.isEmpty { root.required("materials")?.problem("list at least one material") }
            for item in list {
                item.rejectUnknownKeys(["name", "scannable", "copies"])
                guard let name = item.required("name").flatMap(Localized.read) else { continue }
                let scannable = item.optional("scannable")?.bool() ?? false
                let copies = item.optional("copies")?.int(in: 1...20) ?? 1
                materials.append(Material(name: name, scannable: scannable, copies: copies))
            }
        }
        guard let id, let name, let department, let fees, let timeLimit, let nextStep else { return nil }
        return ServiceGuide(id: id, name: name, department: department, materials: materials, fees: fees,
                       timeLimit: timeLimit, nextStep: nextStep)
    }
}
