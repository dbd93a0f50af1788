import Testing
import YAMLData

@Suite struct DataFileTests {
    enum Colour: String, CaseIterable { case red, green }

    @Test func problemsNameTheLineOfTheKeyAndTheFieldPath() {
        let file = DataFile(path: "x.yaml", text: """
        name: demo
        size: big
        colour: blue
        nested:
          inner:
            flag: maybe
        typo: 1
        """)
        let root = file.root!
        root.rejectUnknownKeys(["name", "size", "colour", "nested", "missing"])
        #expect(root.required("name")?.nonEmptyString() == "demo")
        #expect(root.required("size")?.int() == nil)
        #expect(root.required("colour")?.oneOf(Colour.self) == nil)
        #expect(root.required("nested")?.required("inner")?.required("flag")?.bool() == nil)
        #expect(root.required("missing") == nil)
        #expect(root.optional("absent") == nil)
        let messages = file.problems.map(\.description)
        #expect(messages.contains("x.yaml:7: typo: unknown field (expected one of: colour, missing, name, nested, size)"))
        #expect(messages.contains("x.yaml:2: size: expected a whole number"))
        #expect(messages.contains("x.yaml:3: colour: \"blue\" is not one of: red, green"))
        #expect(messages.contains("x.yaml:6: nested.inner.flag: expected true or false, not \"maybe\""))
        #expect(messages.contains("x.yaml:1: missing required field \"missing\""))
    }

    @Test func syntaxErrorsAndEmptyFilesAreProblemsNotCrashes() {
        let broken = DataFile(path: "b.yaml", text: "a: [1, 2\nb: 3\n")
        #expect(broken.root == nil)
        #expect(broken.problems.first?.description.hasPrefix("b.yaml:") == true)
        #expect(broken.problems.first?.message.hasPrefix("not valid YAML") == true)
        let empty = DataFile(path: "e.yaml", text: "")
        #expect(empty.problems.map(\.description) == ["e.yaml: the file is empty"])
    }

    @Test func rangesHexListsAndProblemLogOrdering() throws {
        let file = DataFile(path: "r.yaml", text: "vendor: 0x0c2e\ncount: 500\nitems: [a, b]\none: solo\n")
        let root = file.root!
        #expect(root.required("vendor")?.int(in: 0...0xFFFF) == 0x0C2E)
        #expect(root.required("count")?.int(in: 1...100) == nil)
        #expect(root.required("items")?.strings() == ["a", "b"])
        #expect(root.required("one")?.strings() == ["solo"])
        #expect(file.problems.map(\.description) == ["r.yaml:2: count: must be between 1 and 100, not 500"])
        var log = ProblemLog()
        log.add(ConfigProblem(file: "z.yaml", line: 1, field: "", message: "late"))
        log.add(ConfigProblem(file: "a.yaml", line: 9, field: "f", message: "early"))
        #expect(throws: ConfigProblems.self) { try log.throwIfAny() }
        do { try log.throwIfAny() } catch {
            #expect(error.description == "a.yaml:9: f: early\nz.yaml:1: late")
        }
    }
}
