import Flows
import Foundation
import Testing
import YAMLData

/// Every text the code shows is a `TextKey`, and a locale file without one of them does not load.
@Suite struct TextKeyTests {
    static let languages = ["zh-Hans", "en"]

    @Test(arguments: TextKey.allCases)
    func aBuiltInTextMissingFromBothLocalesIsNamed(_ key: TextKey) throws {
        let found = try problems(removing: [key.rawValue])
        for language in Self.languages {
            #expect(found.contains("Kiosk/locales/\(language).yaml: \(key.rawValue): missing; the kiosk needs this text"))
        }
    }

    @Test func everyBuiltInTextMissingAtOnceIsNamed() throws {
        let found = Set(try problems(removing: TextKey.allCases.map(\.rawValue)))
        for key in TextKey.allCases {
            for language in Self.languages {
                #expect(found.contains("Kiosk/locales/\(language).yaml: \(key.rawValue): missing; the kiosk needs this text"))
            }
        }
    }

    @Test func aBuiltInTextMissingFromOneLocaleIsNamedThere() throws {
        let found = try problems(removing: [TextKey.remoteConsentPrivacy.rawValue], from: ["en"])
        #expect(found.contains { $0.hasPrefix("Kiosk/locales/en.yaml: remote.consent.privacy: missing here but present in zh-Hans.yaml") })
        #expect(!found.contains { $0.hasPrefix("Kiosk/locales/zh-Hans.yaml") })
    }

    @Test func theShippedLocalesHaveEveryBuiltInText() {
        for key in TextKey.allCases {
            #expect(shippedContent.texts.has(key.rawValue), "\(key.rawValue)")
        }
    }
}

extension TextKeyTests {
    /// Loads a copy of the shipped `Kiosk/` folder with `keys` taken out of the locale files of
    /// `languages`, and returns the loader's problems as `kioskd check-config` prints them.
    func problems(removing keys: [String], from languages: [String] = TextKeyTests.languages) throws -> [String] {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: kioskDirectory, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        for language in languages {
            let url = copy.appendingPathComponent("locales/\(language).yaml")
            let text = try String(contentsOf: url, encoding: .utf8)
            try Self.removing(keys, from: text).write(to: url, atomically: true, encoding: .utf8)
        }
        do {
            _ = try KioskContent.load(from: copy, displayDirectory: "Kiosk")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    /// `text` without the lines of `keys` (dotted paths), found through the YAML reader, so
    /// quoting and nesting are as the loader sees them. A value continued on deeper-indented lines
    /// goes with its key.
    static func removing(_ keys: [String], from text: String) throws -> String {
        let file = DataFile(path: "locale.yaml", text: text)
        var dropped = Set<Int>()
        for key in keys {
            var node = file.root
            for part in key.split(separator: ".") { node = node?.optional(String(part)) }
            let line = try #require(node?.line, "no line for \(key)")
            dropped.insert(line)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        var kept: [Substring] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard dropped.contains(index) else {
                kept.append(line)
                continue
            }
            while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).isEmpty,
                  indent(lines[index]) > indent(line) {
                index += 1
            }
        }
        return kept.joined(separator: "\n")
    }
}
