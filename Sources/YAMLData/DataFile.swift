import Foundation
import Yams

/// A YAML data file read into a tree whose every node knows its line, so the loaders of flows,
/// texts, services and the device catalog can report `file:line: field: problem`.
///
/// Loaders walk the tree with the typed accessors of ``DataNode``; each accessor records a problem
/// and returns nil when the value is missing or of the wrong kind, so loading goes on and every
/// problem in a file is found in one pass.
public final class DataFile {
    public let path: String
    public private(set) var problems: [ConfigProblem] = []
    /// The document's top node, or nil when the file could not be read or parsed.
    public private(set) var root: DataNode?

    /// Parses YAML text. `path` is used in messages only.
    public init(path: String, text: String) {
        self.path = path
        do {
            if let node = try Yams.compose(yaml: text) {
                root = DataNode(node: node, field: "", file: self)
            } else {
                record(line: 0, field: "", "the file is empty")
            }
        } catch let error as YamlError {
            record(line: Self.line(of: error), field: "", "not valid YAML: \(Self.problem(of: error))")
        } catch {
            record(line: 0, field: "", "not valid YAML: \(error)")
        }
    }

    /// Reads and parses a file; a file that cannot be read becomes a problem, not a crash.
    public convenience init(contentsOf url: URL, displayPath: String? = nil) {
        let shown = displayPath ?? url.path
        if let data = FileManager.default.contents(atPath: url.path) {
            if let text = String(data: data, encoding: .utf8) {
                self.init(path: shown, text: text)
            } else {
                self.init(path: shown, text: "")
                problems = [ConfigProblem(file: shown, line: 0, field: "", message: "not UTF-8 text")]
            }
        } else {
            self.init(path: shown, text: "")
            problems = [ConfigProblem(file: shown, line: 0, field: "", message: "cannot be read")]
        }
    }

    public func record(line: Int, field: String, _ message: String) {
        problems.append(ConfigProblem(file: path, line: line, field: field, message: message))
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: 0
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        case .duplicatedKeysInMapping(let duplicates, _):
            "duplicate keys: \(duplicates.joined(separator: ", "))"
        default:
            "\(error)"
        }
    }
}

/// One node of a ``DataFile``, with the dotted path of the field it is.
public struct DataNode {
    public let node: Node
    /// Dotted field path from the top of the file, e.g. `steps.identify.kind`.
    public let field: String
    public unowned let file: DataFile
    /// The line of the key that introduced this node; a nested mapping's own mark is its first key.
    private let keyLine: Int?

    init(node: Node, field: String, file: DataFile, keyLine: Int? = nil) {
        self.node = node
        self.field = field
        self.file = file
        self.keyLine = keyLine
    }

    public var line: Int { keyLine ?? node.mark?.line ?? 0 }

    /// Records a problem about this field.
    public func problem(_ message: String) { file.record(line: line, field: field, message) }

    private func child(_ node: Node, _ name: String, keyLine: Int? = nil) -> DataNode {
        DataNode(node: node, field: field.isEmpty ? name : "\(field).\(name)", file: file, keyLine: keyLine)
    }

    /// The key and value nodes for `key`, so that problems can point at the key's line.
    private func lookup(_ key: String, in mapping: Node.Mapping) -> (key: Node, value: Node)? {
        mapping.first { $0.key.string == key }.map { ($0.key, $0.value) }
    }

    // MARK: Mappings

    /// The key/value pairs in file order, or nil (with a problem) when this is not a mapping.
    public func entries() -> [(key: String, value: DataNode)]? {
        guard case .mapping(let mapping) = node else {
            problem("expected a mapping of fields")
            return nil
        }
        var result: [(key: String, value: DataNode)] = []
        for (key, value) in mapping {
            guard let name = key.string else {
                DataNode(node: key, field: field, file: file).problem("a field name must be text")
                continue
            }
            result.append((name, child(value, name, keyLine: key.mark?.line)))
        }
        return result
    }

    /// A field that must be there.
    public func required(_ key: String) -> DataNode? {
        guard case .mapping(let mapping) = node else {
            problem("expected a mapping of fields")
            return nil
        }
        guard let (keyNode, value) = lookup(key, in: mapping) else {
            problem("missing required field \"\(key)\"")
            return nil
        }
        return child(value, key, keyLine: keyNode.mark?.line)
    }

    /// A field that may be left out. Returns nil without a problem when absent.
    public func optional(_ key: String) -> DataNode? {
        guard case .mapping(let mapping) = node, let (keyNode, value) = lookup(key, in: mapping) else { return nil }
        if case .scalar(let scalar) = value, scalar.string == "~" || scalar.string == "null" { return nil }
        return child(value, key, keyLine: keyNode.mark?.line)
    }

    /// Records a problem for every field not in `allowed`, which catches typos such as `nxt:`.
    public func rejectUnknownKeys(_ allowed: Set<String>) {
        guard case .mapping(let mapping) = node else { return }
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            let known = allowed.sorted().joined(separator: ", ")
            DataNode(node: key, field: field.isEmpty ? name : "\(field).\(name)", file: file)
                .problem("unknown field (expected one of: \(known))")
        }
    }

    // MARK: Sequences

    public func list() -> [DataNode]? {
        guard case .sequence(let sequence) = node else {
            problem("expected a list")
            return nil
        }
        return sequence.enumerated().map { index, element in child(element, "\(index)") }
    }

    // MARK: Scalars

    public func string() -> String? {
        guard case .scalar(let scalar) = node else {
            problem("expected text")
            return nil
        }
        return scalar.string
    }

    /// Text that must not be empty after trimming.
    public func nonEmptyString() -> String? {
        guard let text = string() else { return nil }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            problem("must not be empty")
            return nil
        }
        return text
    }

    public func int(in range: ClosedRange<Int>? = nil) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) ?? Self.hex(scalar.string) else {
            problem("expected a whole number")
            return nil
        }
        if let range, !range.contains(value) {
            problem("must be between \(range.lowerBound) and \(range.upperBound), not \(value)")
            return nil
        }
        return value
    }

    public func bool() -> Bool? {
        guard case .scalar(let scalar) = node else {
            problem("expected true or false")
            return nil
        }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem("expected true or false, not \"\(scalar.string)\"")
            return nil
        }
    }

    /// A value from a fixed set, e.g. a step kind; the problem lists the choices.
    public func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T? where T.RawValue == String {
        oneOf(Array(T.allCases))
    }

    /// A value from `choices`, for a set that is open in code but known when the file is read
    /// (e.g. the device roles of the families a program links in); the problem lists the choices.
    public func oneOf<T: RawRepresentable>(_ choices: [T]) -> T? where T.RawValue == String {
        guard let text = string() else { return nil }
        guard let value = choices.first(where: { $0.rawValue == text }) else {
            problem("\"\(text)\" is not one of: \(choices.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A list of texts, or a single text taken as a list of one.
    public func strings() -> [String]? {
        if case .scalar(let scalar) = node { return [scalar.string] }
        guard let items = list() else { return nil }
        let texts = items.compactMap { $0.string() }
        return texts.count == items.count ? texts : nil
    }

    private static func hex(_ text: String) -> Int? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
        return Int(text.dropFirst(2), radix: 16)
    }
}
