import DeviceKit
import Foundation
import ScreenModel
import YAMLData

extension FlowDefinition {
    static let fields: Set<String> = ["id", "title", "requires", "start", "steps"]
    static let stepFields: Set<String> = ["kind", "title", "text", "tone", "on", "options", "accepts"]

    /// Reads one flow file. Cross-references (targets naming other flows, text keys) are checked
    /// later by ``KioskContent`` once every file is read.
    static func read(_ file: DataFile, expectedID: String, roles: [DeviceRole]) -> (FlowDefinition, lines: [String: Int])? {
        guard let root = file.root else { return nil }
        root.rejectUnknownKeys(fields)
        let idNode = root.required("id")
        let id = idNode?.nonEmptyString()
        if let id, id != expectedID { idNode?.problem("\"\(id)\" must match the file name \"\(expectedID)\"") }
        let title = root.required("title")?.nonEmptyString()
        let requires = root.optional("requires")?.list()?.compactMap { $0.oneOf(roles) } ?? []
        let startNode = root.required("start")
        let start = startNode?.nonEmptyString()
        var steps: [String: FlowStep] = [:]
        var lines: [String: Int] = ["": root.line]
        if let entries = root.required("steps")?.entries() {
            for (stepID, node) in entries {
                lines[stepID] = node.line
                if let step = readStep(stepID, node, lines: &lines) { steps[stepID] = step }
            }
        }
        if let start, !steps.isEmpty, steps[start] == nil, lines[start] == nil {
            startNode?.problem("no step named \"\(start)\"")
        }
        guard let id, let title, let start else { return nil }
        return (FlowDefinition(id: id, title: title, requires: requires, start: start, steps: steps), lines)
    }

    /// `lines` gets the line of every field that names something checked later, by field path.
    private static func readStep(_ id: String, _ node: DataNode, lines: inout [String: Int]) -> FlowStep? {
        node.rejectUnknownKeys(stepFields)
        guard let kind = node.required("kind")?.oneOf(StepKind.self) else { return nil }
        var transitions: [Outcome: String] = [:]
        let onNode = node.optional("on")
        if let entries = onNode?.entries() {
            for (name, target) in entries {
                guard let outcome = Outcome(rawValue: name),
                      kind.requiredOutcomes.contains(outcome) || kind.optionalOutcomes.contains(outcome) else {
                    let allowed = (kind.requiredOutcomes.union(kind.optionalOutcomes)).map(\.rawValue).sorted()
                    target.problem("a \(kind.rawValue) step has no outcome \"\(name)\" (it has: \(allowed.joined(separator: ", ")))")
                    continue
                }
                if let text = target.nonEmptyString() {
                    transitions[outcome] = text
                    lines[target.field] = target.line
                }
            }
        }
        for missing in kind.requiredOutcomes.subtracting(transitions.keys).sorted(by: { $0.rawValue < $1.rawValue }) {
            (onNode ?? node).problem("missing where outcome \"\(missing.rawValue)\" leads (add `on: {\(missing.rawValue): STEP}`)")
        }
        var options: [MenuOption] = []
        if kind == .menu {
            if let list = node.required("options")?.list() {
                for item in list {
                    item.rejectUnknownKeys(["label", "goto"])
                    if let labelNode = item.required("label"), let label = labelNode.nonEmptyString(),
                       let targetNode = item.required("goto"), let target = targetNode.nonEmptyString() {
                        options.append(MenuOption(label: label, target: target))
                        lines[labelNode.field] = labelNode.line
                        lines[targetNode.field] = targetNode.line
                    }
                }
                if list.isEmpty || list.count > 9 { node.required("options")?.problem("a menu needs 1 to 9 options") }
            }
        } else if let extra = node.optional("options") {
            extra.problem("only a menu step has options")
        }
        var accepts = Set(IdentifyMethod.allCases)
        if let acceptNode = node.optional("accepts") {
            if kind != .identify { acceptNode.problem("only an identify step accepts identification methods") }
            accepts = Set(acceptNode.list()?.compactMap { $0.oneOf(IdentifyMethod.self) } ?? [])
            if accepts.isEmpty { acceptNode.problem("accept at least one method") }
        }
        let text = node.optional("text")?.nonEmptyString()
        for field in ["text", "title"] {
            if let value = node.optional(field) { lines[value.field] = value.line }
        }
        if (kind == .message || kind == .confirm) && text == nil && node.optional("text") == nil {
            node.problem("a \(kind.rawValue) step needs a `text` key")
        }
        return FlowStep(id: id, kind: kind, title: node.optional("title")?.nonEmptyString(), text: text,
                    transitions: transitions, options: options, accepts: accepts,
                    tone: node.optional("tone")?.oneOf(Screen.Paragraph.Style.self) ?? .normal)
    }
}
