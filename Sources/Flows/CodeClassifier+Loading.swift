import Foundation
import YAMLData

extension CodeClassifier {
    static let fields: Set<String> = ["max-length", "kinds"]
    static let ruleFields: Set<String> = ["kind", "pattern", "length", "multiline", "value", "value-pattern", "value-length",
                                          "hosts", "uppercase"]

    /// Reads `codes.yaml` (in the `Kiosk/` folder). Every problem is reported as
    /// `file:line: field: problem`; a file with a problem gives no classifier.
    public static func load(from url: URL, displayPath: String = "Kiosk/codes.yaml") throws(ConfigProblems) -> CodeClassifier {
        let file = DataFile(contentsOf: url, displayPath: displayPath)
        let classifier = parse(file)
        var log = ProblemLog()
        log.add(contentsOf: file.problems)
        try log.throwIfAny()
        guard let classifier else { throw ConfigProblems([ConfigProblem(file: displayPath, line: 0, field: "", message: "no rules")]) }
        return classifier
    }

    /// Parses a codes file, recording problems in `file`.
    public static func parse(_ file: DataFile) -> CodeClassifier? {
        guard let root = file.root, root.entries() != nil else { return nil }
        root.rejectUnknownKeys(fields)
        let maximumLength = root.optional("max-length")?.int(in: 16...65_536) ?? 512
        var rules: [CodeRule] = []
        if let list = root.required("kinds")?.list() {
            if list.isEmpty { root.required("kinds")?.problem("list at least one kind of code") }
            for node in list {
                if let rule = parseRule(node, maximumLength: maximumLength) { rules.append(rule) }
            }
        }
        guard file.problems.isEmpty else { return nil }
        return CodeClassifier(maximumLength: maximumLength, rules: rules)
    }

    private static func parseRule(_ node: DataNode, maximumLength: Int) -> CodeRule? {
        guard node.entries() != nil else { return nil }
        node.rejectUnknownKeys(ruleFields)
        let kind = node.required("kind")?.oneOf(CodeKind.self)
        if kind == .unknown { node.required("kind")?.problem("\"unknown\" is what matches no rule; it has no rule of its own") }
        let pattern = node.required("pattern").flatMap(compiledPattern)
        let length = node.optional("length").flatMap { range($0, within: 1...maximumLength) } ?? 1...maximumLength
        let multiline = node.optional("multiline")?.bool() ?? false
        var source = CodeRule.ValueSource.whole
        if let valueNode = node.optional("value"), let text = valueNode.nonEmptyString() {
            if text == "whole" {
                source = .whole
            } else if text == "last-path-segment" {
                source = .lastPathSegment
            } else if text.hasPrefix("query:"), text.count > 6 {
                source = .queryParameter(String(text.dropFirst(6)))
            } else {
                valueNode.problem("\"\(text)\" is not one of: whole, last-path-segment, query:NAME")
            }
        }
        let valuePattern = node.optional("value-pattern").flatMap(compiledPattern)
        let valueLength = node.optional("value-length").flatMap { range($0, within: 1...maximumLength) }
        let hosts = node.optional("hosts")?.strings() ?? []
        let uppercase = node.optional("uppercase")?.bool() ?? false
        guard let kind, kind != .unknown, let pattern else { return nil }
        return CodeRule(kind: kind, pattern: pattern, length: length, multiline: multiline, valueSource: source,
                        valuePattern: valuePattern, valueLength: valueLength, hosts: hosts, uppercase: uppercase)
    }

    private static func compiledPattern(_ node: DataNode) -> CodePattern? {
        guard let text = node.nonEmptyString() else { return nil }
        do {
            return try CodePattern(text)
        } catch {
            node.problem("not a valid regular expression: \(error)")
            return nil
        }
    }

    /// `{min: N, max: M}`.
    private static func range(_ node: DataNode, within limits: ClosedRange<Int>) -> ClosedRange<Int>? {
        guard node.entries() != nil else { return nil }
        node.rejectUnknownKeys(["min", "max"])
        let minimum = node.optional("min")?.int(in: limits) ?? limits.lowerBound
        let maximum = node.optional("max")?.int(in: limits) ?? limits.upperBound
        guard minimum <= maximum else {
            node.problem("min \(minimum) is more than max \(maximum)")
            return nil
        }
        return minimum...maximum
    }
}
