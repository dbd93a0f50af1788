import DeviceKit
import Flows
import Foundation
import Testing
import YAMLData

/// Every text the code shows is a `TextKey`, and a locale file without one of them does not load.
@Suite struct TextKeyTests {
    static let languages = ["zh-Hans", "en"]

    /// The repository's `Sources/` folder.
    static let sourcesDirectory = kioskDirectory.deletingLastPathComponent().appendingPathComponent("Sources")

    /// Literals in `Sources/` that look like text keys but are not.
    static let notTextKeys: [String: String] = [
        "pickups.cursor": "the pickup sync's cursor in the store (Outbox)",
        "pickups.yaml": "the demo's pickups file (PlatformStandIn)",
    ]

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

    /// A text key written as a string literal anywhere in `Sources/` (outside `TextKey.swift`) would
    /// escape the start-up check; the prefixes are the locale files' top-level keys.
    @Test func noSourceFileNamesATextKeyByAStringLiteral() throws {
        var prefixes = Set<String>()
        for language in Self.languages {
            let file = DataFile(contentsOf: kioskDirectory.appendingPathComponent("locales/\(language).yaml"))
            prefixes.formUnion(file.root?.entries()?.map(\.key) ?? [])
        }
        #expect(prefixes.isSuperset(of: ["common", "device", "home", "identify", "rate", "progress", "remote"]))
        let pattern = try Self.literalKeyPattern(prefixes: prefixes)
        var found: [String] = []
        var scanned = 0
        let files = FileManager.default.enumerator(at: Self.sourcesDirectory, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", url.lastPathComponent != "TextKey.swift" else { continue }
            scanned += 1
            let shown = "Sources" + url.path.dropFirst(Self.sourcesDirectory.path.count)
            let text = try String(contentsOf: url, encoding: .utf8)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for key in Self.literalKeys(in: String(line), pattern) where Self.notTextKeys[key] == nil {
                    found.append("\(shown):\(index + 1): \"\(key)\"")
                }
            }
        }
        #expect(scanned > 100)
        #expect(found.isEmpty, "text keys written as string literals; name them through TextKey:\n\(found.joined(separator: "\n"))")
    }

    @Test func theScanSeesLiteralAndBuiltKeysButNotTextKeys() throws {
        let pattern = try Self.literalKeyPattern(prefixes: ["rate", "remote"])
        #expect(Self.literalKeys(in: #"t("remote.chat.title", lang)"#, pattern) == ["remote.chat.title"])
        #expect(Self.literalKeys(in: #"t("rate.level.\(level)", lang)"#, pattern) == ["rate.level."])
        #expect(Self.literalKeys(in: #"t(.remoteChatTitle, lang)"#, pattern).isEmpty)
        #expect(Self.literalKeys(in: #"let name = "rated.yaml""#, pattern).isEmpty)
    }

    @Test func aDeviceReasonWithoutATextOfItsOwnIsToldAsUnknown() {
        var session = makeSession()
        _ = session.handle(.deviceHealth(.certificatePrinter, .offline()))
        #expect(session.screen().options[0].detail == "暂停服务：设备未连接")
        _ = session.handle(.deviceHealth(.certificatePrinter, DeviceHealth(state: .userError, reason: DeviceHealth.Reason(rawValue: "door-open"), action: .maintenance)))
        #expect(session.screen().options[0].detail == "暂停服务：设备暂时不能使用")
    }

    @Test func aResultStatusWithoutATextIsShownAsThePlatformNamesIt() {
        var session = makeSession()
        session.press(.text("2"))
        _ = session.handle(.codeScanned(Array("AB-2026-0042".utf8)))
        let result = ResultSummary(code: "AB-2026-0042", status: "archived", title: Localized(zhHans: "营业执照", en: "Business licence"),
                                   updatedAt: Date(timeIntervalSince1970: 1_790_000_000))
        _ = session.handle(.resultFound(result))
        #expect(session.screenText.contains("受理编号 AB-2026-0042：archived"))
        #expect(!session.screenText.contains("progress.state"))
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

    /// A string literal starting with one of `prefixes` and a dot: a whole key (`"remote.chat.title"`)
    /// or the start of one built at run time (`"rate.level.\(level)"`).
    static func literalKeyPattern(prefixes: Set<String>) throws -> NSRegularExpression {
        let alternatives = prefixes.sorted().map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
        return try NSRegularExpression(pattern: #""((?:\#(alternatives))\.[A-Za-z0-9._-]*)(?:"|\\\()"#)
    }

    static func literalKeys(in line: String, _ pattern: NSRegularExpression) -> [String] {
        pattern.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap { match in
            Range(match.range(at: 1), in: line).map { String(line[$0]) }
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
