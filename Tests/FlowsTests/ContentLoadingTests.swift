import Flows
import Foundation
import Testing
import YAMLData

@Suite struct ContentLoadingTests {
    @Test func shippedContentLoadsWithEveryFlow() {
        #expect(Set(shippedContent.flows.keys) == ["home", "collect", "progress", "guide", "rate", "help"])
        #expect(shippedContent.flows["home"]?.steps["menu"]?.options.count == 5)
        #expect(shippedContent.services.count >= 3)
        #expect(shippedContent.flows["collect"]?.requires == [.certificatePrinter])
    }

    /// Copies the shipped folder so a test can break one file of it.
    func brokenCopy(_ edit: (URL) throws -> Void) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: kioskDirectory, to: copy)
        try edit(copy)
        return copy
    }

    func problems(_ directory: URL) -> [String] {
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try KioskContent.load(from: directory, displayDirectory: "Kiosk")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func badFlowFileReportsFileLineAndField() throws {
        let directory = try brokenCopy { copy in
            try """
            id: rate
            title: rate.title
            start: rate
            steps:
              rate:
                kind: rate
                on: {done: thanks}
              extra:
                kind: mesage
              other:
                kind: message
                text: no.such.text
                on: {continue: end, finished: end}
            """.write(to: copy.appendingPathComponent("flows/rate.yaml"), atomically: true, encoding: .utf8)
        }
        let found = problems(directory)
        #expect(found.contains("Kiosk/flows/rate.yaml:7: steps.rate.on.done: no step, flow, `end` or `return` named \"thanks\""))
        #expect(found.contains { $0.hasPrefix("Kiosk/flows/rate.yaml:9: steps.extra.kind: \"mesage\" is not one of: menu, identify") })
        #expect(found.contains { $0.hasPrefix("Kiosk/flows/rate.yaml:13: steps.other.on.finished: a message step has no outcome \"finished\"") })
        #expect(found.contains("Kiosk/flows/rate.yaml:12: steps.other.text: no text \"no.such.text\" in every locale file"))
    }

    @Test func syntaxErrorAndMissingOutcomeAndMissingLocaleKey() throws {
        let directory = try brokenCopy { copy in
            try "id: progress\ntitle: progress.title\nstart: query\nsteps:\n  query:\n    kind: query-progress\n"
                .write(to: copy.appendingPathComponent("flows/progress.yaml"), atomically: true, encoding: .utf8)
            try "id: [unclosed\n".write(to: copy.appendingPathComponent("flows/broken.yaml"), atomically: true, encoding: .utf8)
            let en = copy.appendingPathComponent("locales/en.yaml")
            let text = try String(contentsOf: en, encoding: .utf8).replacingOccurrences(of: "  typeCode: Type the pickup code\n", with: "")
            try text.write(to: en, atomically: true, encoding: .utf8)
        }
        let found = problems(directory)
        #expect(found.contains("Kiosk/flows/progress.yaml:5: steps.query: missing where outcome \"done\" leads (add `on: {done: STEP}`)"))
        #expect(found.contains { $0.hasPrefix("Kiosk/flows/broken.yaml:2: not valid YAML") })
        #expect(found.contains { $0.hasPrefix("Kiosk/locales/en.yaml: identify.typeCode: missing here but present in zh-Hans.yaml") })
    }

    @Test func serviceFileProblemsAndPlaceholderMismatch() throws {
        let directory = try brokenCopy { copy in
            try "id: other-name\nname: {zh-Hans: 测试}\nfees: {zh-Hans: 无, en: None}\n"
                .write(to: copy.appendingPathComponent("services/test-service.yaml"), atomically: true, encoding: .utf8)
            let en = copy.appendingPathComponent("locales/en.yaml")
            let text = try String(contentsOf: en, encoding: .utf8).replacingOccurrences(of: "Kiosk {id}", with: "Kiosk {kiosk}")
            try text.write(to: en, atomically: true, encoding: .utf8)
        }
        let found = problems(directory)
        #expect(found.contains("Kiosk/services/test-service.yaml:1: id: \"other-name\" must match the file name \"test-service\""))
        #expect(found.contains("Kiosk/services/test-service.yaml:2: name: missing required field \"en\""))
        #expect(found.contains { $0.contains("Kiosk/services/test-service.yaml:1: missing required field \"materials\"") })
        #expect(found.contains { $0.hasPrefix("Kiosk/locales/en.yaml:") && $0.contains("common.kiosk: placeholders {kiosk} differ from zh-Hans {id}") })
    }
}
