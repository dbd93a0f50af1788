import Foundation
import ScreenModel
import YAMLData

/// The words a citizen sees, in every language the kiosk speaks, loaded from `Kiosk/locales/*.yaml`.
/// Keys are dotted paths into the YAML (`collect.take.title`); `{name}` placeholders are filled at
/// run time and must be the same in every language.
public struct Texts: Sendable {
    private var tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) { self.tables = tables }

    /// The text for `key` in `language`, with `{placeholder}`s replaced. Every ``TextKey`` is in
    /// every locale file once the content has loaded.
    public func callAsFunction(_ key: TextKey, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        callAsFunction(flowKey: key.rawValue, language, arguments)
    }

    /// The text for a key a flow file names (a flow's or step's title, a step's text, an option's
    /// label), with `{placeholder}`s replaced. A missing key cannot happen after validation; should
    /// it anyway, the key itself shows, which is ugly but not a crash.
    public func callAsFunction(flowKey key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        var text = tables[language]?[key] ?? tables[.zhHans]?[key] ?? key
        for (name, value) in arguments {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    public func has(_ key: String) -> Bool { Language.allCases.allSatisfy { tables[$0]?[key] != nil } }

    public var keys: Set<String> { Set(tables.values.flatMap(\.keys)) }

    static func placeholders(in text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Reads `zh-Hans.yaml` and `en.yaml` from `directory`, checking that both hold the same keys with
    /// the same placeholders and that every key in `required` (the code's, ``TextKey/allCases``) exists.
    static func load(directory: URL, displayDirectory: String, required: Set<String>, log: inout ProblemLog) -> Texts {
        var tables: [Language: [String: String]] = [:]
        var lines: [Language: [String: Int]] = [:]
        for language in Language.allCases {
            let shown = "\(displayDirectory)/\(language.rawValue).yaml"
            let file = DataFile(contentsOf: directory.appendingPathComponent("\(language.rawValue).yaml"), displayPath: shown)
            var table: [String: String] = [:]
            var lineOf: [String: Int] = [:]
            if let root = file.root { flatten(root, prefix: "", into: &table, lines: &lineOf) }
            log.add(contentsOf: file.problems)
            tables[language] = table
            lines[language] = lineOf
        }
        let all = Set(tables.values.flatMap(\.keys))
        for language in Language.allCases {
            let shown = "\(displayDirectory)/\(language.rawValue).yaml"
            let table = tables[language] ?? [:]
            for key in all.sorted() where table[key] == nil {
                let other = language.other
                log.add(ConfigProblem(file: shown, line: 0, field: key,
                                      message: "missing here but present in \(other.rawValue).yaml (line \(lines[other]?[key] ?? 0))"))
            }
            for key in required.sorted() where table[key] == nil && !all.contains(key) {
                log.add(ConfigProblem(file: shown, line: 0, field: key, message: "missing; the kiosk needs this text"))
            }
        }
        if let zh = tables[.zhHans], let en = tables[.en] {
            for (key, zhText) in zh.sorted(by: { $0.key < $1.key }) {
                guard let enText = en[key] else { continue }
                let zhNames = placeholders(in: zhText), enNames = placeholders(in: enText)
                if zhNames != enNames {
                    log.add(ConfigProblem(file: "\(displayDirectory)/en.yaml", line: lines[.en]?[key] ?? 0, field: key,
                                          message: "placeholders {\(enNames.sorted().joined(separator: "}, {"))} differ from zh-Hans {\(zhNames.sorted().joined(separator: "}, {"))}"))
                }
            }
        }
        return Texts(tables: tables)
    }

    private static func flatten(_ node: DataNode, prefix: String, into table: inout [String: String], lines: inout [String: Int]) {
        guard let entries = node.entries() else { return }
        for (key, value) in entries {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .mapping = value.node {
                flatten(value, prefix: path, into: &table, lines: &lines)
            } else if let text = value.nonEmptyString() {
                table[path] = text.trimmingCharacters(in: .whitespacesAndNewlines)
                lines[path] = value.line
            }
        }
    }
}

/// A text given in the data file itself in both languages, e.g. a service's name:
/// `name: {zh-Hans: 营业执照, en: Business licence}`.
public struct Localized: Sendable, Equatable, Codable {
    public var zhHans: String
    public var en: String

    public init(zhHans: String, en: String) {
        self.zhHans = zhHans
        self.en = en
    }

    public subscript(language: Language) -> String { language == .zhHans ? zhHans : en }

    /// Reads `{zh-Hans: …, en: …}`, recording a problem for a missing or extra language.
    public static func read(_ node: DataNode) -> Localized? {
        node.rejectUnknownKeys(Set(Language.allCases.map(\.rawValue)))
        guard let zh = node.required(Language.zhHans.rawValue)?.nonEmptyString(),
              let en = node.required(Language.en.rawValue)?.nonEmptyString() else { return nil }
        return Localized(zhHans: zh, en: en)
    }
}
