import DeviceKit
import Foundation
import YAMLData

/// Everything a province customises without code, read from one `Kiosk/` folder: flows, texts in
/// every language, the service catalog and what scanned codes mean (`codes.yaml`). It is loaded whole and checked whole before a kiosk
/// starts: a bad file never starts a half-working kiosk (DESIGN.md decision 4).
public struct KioskContent: Sendable {
    public var flows: [String: FlowDefinition]
    public var texts: Texts
    public var services: [ServiceGuide]
    /// What a scanned or typed code is; flows route on its kind.
    public var codes: CodeClassifier

    /// The flow the kiosk shows when nobody is using it.
    public static let homeFlow = "home"
    /// The flow started by the Help command on every screen.
    public static let helpFlow = "help"

    public func service(_ id: String) -> ServiceGuide? { services.first { $0.id == id } }

    /// Loads and validates `directory` (the `Kiosk/` folder). `displayDirectory` is how paths are
    /// written in problems, e.g. `Kiosk`.
    /// `roles` are those a flow may require: the roles of the device families the program links in.
    public static func load(from directory: URL, displayDirectory: String? = nil,
                            roles: [DeviceRole] = DeviceFamilies.builtIn.roles) throws(ConfigProblems) -> KioskContent {
        let shown = displayDirectory ?? directory.path
        var log = ProblemLog()
        var flows: [String: FlowDefinition] = [:]
        var flowLines: [String: (file: String, lines: [String: Int])] = [:]
        for (url, stem) in yamlFiles(in: directory.appendingPathComponent("flows"), shown: "\(shown)/flows", log: &log) {
            let file = DataFile(contentsOf: url, displayPath: "\(shown)/flows/\(url.lastPathComponent)")
            if let (flow, lines) = FlowDefinition.read(file, expectedID: stem, roles: roles) {
                flows[flow.id] = flow
                flowLines[flow.id] = (file.path, lines)
            }
            log.add(contentsOf: file.problems)
        }
        var services: [ServiceGuide] = []
        for (url, stem) in yamlFiles(in: directory.appendingPathComponent("services"), shown: "\(shown)/services", log: &log) {
            let file = DataFile(contentsOf: url, displayPath: "\(shown)/services/\(url.lastPathComponent)")
            if let service = ServiceGuide.read(file, expectedID: stem) { services.append(service) }
            log.add(contentsOf: file.problems)
        }
        let codesFile = DataFile(contentsOf: directory.appendingPathComponent("codes.yaml"), displayPath: "\(shown)/codes.yaml")
        let codes = CodeClassifier.parse(codesFile)
        log.add(contentsOf: codesFile.problems)
        let texts = Texts.load(directory: directory.appendingPathComponent("locales"),
                               displayDirectory: "\(shown)/locales", required: Set(TextKey.allCases.map(\.rawValue)), log: &log)
        for required in [homeFlow, helpFlow] where flows[required] == nil && flowLines[required] == nil {
            log.add(ConfigProblem(file: "\(shown)/flows", line: 0, field: "",
                                  message: "there must be a flow named \"\(required)\" (\(required).yaml)"))
        }
        for (id, flow) in flows.sorted(by: { $0.key < $1.key }) {
            guard let (file, lines) = flowLines[id] else { continue }
            checkReferences(flow, flows: flows, texts: texts, file: file, lines: lines, log: &log)
        }
        try log.throwIfAny()
        guard let codes else {
            throw ConfigProblems([ConfigProblem(file: "\(shown)/codes.yaml", line: 0, field: "", message: "no code rules")])
        }
        return KioskContent(flows: flows, texts: texts, services: services.sorted { $0.id < $1.id }, codes: codes)
    }

    private static func checkReferences(_ flow: FlowDefinition, flows: [String: FlowDefinition], texts: Texts,
                                        file: String, lines: [String: Int], log: inout ProblemLog) {
        func problem(_ field: String, _ message: String) {
            log.add(ConfigProblem(file: file, line: lines[field] ?? lines[""] ?? 0, field: field, message: message))
        }
        func checkTarget(_ target: String, field: String) {
            // A step declared with a broken kind still counts as declared: one mistake, one message.
            let declaredStep = !target.contains(".") && lines[target] != nil
            let known = flow.steps[target] != nil || declaredStep || flows[target] != nil
                || target == SpecialTarget.end || target == SpecialTarget.return
            if !known { problem(field, "no step, flow, `end` or `return` named \"\(target)\"") }
        }
        func checkText(_ key: String, field: String) {
            if !texts.has(key) { problem(field, "no text \"\(key)\" in every locale file") }
        }
        checkText(flow.title, field: "title")
        for (stepID, step) in flow.steps.sorted(by: { $0.key < $1.key }) {
            for (outcome, target) in step.transitions.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                checkTarget(target, field: "steps.\(stepID).on.\(outcome.rawValue)")
            }
            for (index, option) in step.options.enumerated() {
                checkTarget(option.target, field: "steps.\(stepID).options.\(index).goto")
                checkText(option.label, field: "steps.\(stepID).options.\(index).label")
            }
            if let text = step.text { checkText(text, field: "steps.\(stepID).text") }
            if let title = step.title { checkText(title, field: "steps.\(stepID).title") }
        }
    }

    private static func yamlFiles(in directory: URL, shown: String, log: inout ProblemLog) -> [(URL, String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            log.add(ConfigProblem(file: shown, line: 0, field: "", message: "folder is missing or cannot be read"))
            return []
        }
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map {
            (directory.appendingPathComponent($0), String($0.dropLast(5)))
        }
    }
}
