import Foundation
import Testing
import YAMLData
@testable import RemoteWindow

@Suite struct OperatorDirectoryTests {
    let aliceToken = "alice-token-4f1c2a"
    let tessToken = "tess-token-99b0e7"

    var yaml: String {
        """
        operators:
          - name: 王芳
            role: assistant
            token-sha256: \(OperatorDirectory.tokenHash(aliceToken))
          - name: 李工
            role: technician
            token-sha256: \(OperatorDirectory.tokenHash(tessToken))
          - name: Olga
            role: observer
        """
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try OperatorDirectory.parse(text, path: "operators.yaml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func loadsOperatorsAndRoles() throws {
        let directory = try OperatorDirectory.parse(yaml, path: "operators.yaml")
        #expect(directory.entries.map(\.operator) == [alice, tess, olga])
        #expect(directory.entries.map(\.line) == [2, 5, 8])
        #expect(directory.entries[2].tokenDigest == nil)
    }

    @Test func theRightTokenIsAcceptedAndOthersRefused() throws {
        let directory = try OperatorDirectory.parse(yaml, path: "operators.yaml")
        #expect(directory.authenticate(token: aliceToken) == alice)
        #expect(directory.authenticate(token: tessToken) == tess)
        #expect(directory.authenticate(token: aliceToken + "x") == nil)
        #expect(directory.authenticate(token: String(aliceToken.dropLast())) == nil)
        #expect(directory.authenticate(token: "") == nil)
        #expect(directory.authenticate(token: OperatorDirectory.tokenHash(aliceToken)) == nil)
        #expect(directory.authenticate(token: String(repeating: "a", count: 10_000)) == nil)
        #expect(directory.authenticate(authorization: "Bearer \(aliceToken)") == alice)
        #expect(directory.authenticate(authorization: "bearer  \(tessToken)") == tess)
        #expect(directory.authenticate(authorization: "Basic \(aliceToken)") == nil)
        #expect(directory.authenticate(authorization: "Bearer") == nil)
        #expect(directory.authenticate(authorization: nil) == nil)
        #expect(directory.authenticate(certificateCommonName: "Olga") == olga)
        #expect(directory.authenticate(certificateCommonName: "Mallory") == nil)
    }

    @Test func constantTimeCompare() {
        #expect(OperatorDirectory.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!OperatorDirectory.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!OperatorDirectory.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(OperatorDirectory.constantTimeEqual([], []))
    }

    @Test func madeTokensWork() throws {
        let made = OperatorDirectory.makeToken()
        #expect(made.token.count == 43)
        #expect(made.token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(made.sha256 == OperatorDirectory.tokenHash(made.token))
        #expect(made.hashLine == "token-sha256: \(made.sha256)")
        #expect(OperatorDirectory.makeToken().token != made.token)
        let text = "operators:\n" + made.entry(name: "新同事", role: .assistant)
        let directory = try OperatorDirectory.parse(text, path: "operators.yaml")
        #expect(directory.authenticate(token: made.token) == Operator(name: "新同事", role: .assistant))
        #expect(!text.contains(made.token))
    }

    @Test func problemsNameFileLineAndField() {
        let text = """
            operators:
              - name: 王芳
                role: assistant
                token-sha256: \(OperatorDirectory.tokenHash(aliceToken))
              - name: 王芳
                role: observer
              - name: Bob
                role: admin
                token-sha256: 1234
              - name: Carol
                role: technician
                token-sha256: \(OperatorDirectory.tokenHash(aliceToken))
              - name: Dave
                role: assistant
                token-sha256: \(OperatorDirectory.tokenHash(tessToken).uppercased())
              - role: assistant
                tokn: abc
            """
        #expect(problems(text) == [
            "operators.yaml:5: operators.1.name: another operator (line 2) already has the name \"王芳\"",
            "operators.yaml:8: operators.2.role: \"admin\" is not one of: observer, assistant, technician",
            "operators.yaml:9: operators.2.token-sha256: expected 64 lower-case hex digits, the SHA-256 of the token (printf %s TOKEN | sha256sum)",
            "operators.yaml:12: operators.3.token-sha256: the same token as operator \"王芳\"; give each operator a token of their own",
            "operators.yaml:15: operators.4.token-sha256: expected 64 lower-case hex digits, the SHA-256 of the token (printf %s TOKEN | sha256sum)",
            "operators.yaml:16: operators.5: missing required field \"name\"",
            "operators.yaml:17: operators.5.tokn: unknown field (expected one of: name, role, token-sha256)",
        ])
    }

    @Test func namesMustBePlainText() {
        let text = """
            operators:
              - name: "Eve\\u001B[2J"
                role: observer
              - name: "  Padded"
                role: observer
              - name: Citizen
                role: observer
            """
        #expect(problems(text) == [
            "operators.yaml:2: operators.0.name: must not contain control characters or escape sequences",
            "operators.yaml:4: operators.1.name: must not start or end with a space",
            "operators.yaml:6: operators.2.name: \"Citizen\" is how the chat names the citizen; choose another name",
        ])
    }

    @Test func fileLevelProblems() {
        #expect(problems("") == ["operators.yaml: the file is empty"])
        #expect(problems("people: []") == [
            "operators.yaml:1: people: unknown field (expected one of: operators)",
            "operators.yaml:1: missing required field \"operators\"",
        ])
        #expect(problems("operators: nobody") == ["operators.yaml:1: operators: expected a list"])
    }

    @Test func loadsFromAFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("operators-\(UUID().uuidString).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try OperatorDirectory.load(path: url.path).entries.count == 3)
        #expect(throws: ConfigProblems.self) { try OperatorDirectory.load(path: url.path + ".missing") }
    }

    @Test func roleTable() {
        #expect(Role.observer.allowedCommands == [.commonStatus])
        #expect(Role.assistant.allowedCommands == [.commonStatus, .chat, .requestTakeover, .input, .endTakeover, .identityVerify])
        #expect(Role.technician.allowedCommands == Set(CommandName.allCases))
        #expect(Role.observer < Role.assistant && Role.assistant < Role.technician)
    }
}
