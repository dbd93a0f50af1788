/// One thing wrong in a data file, told the way a compiler would: `file:line: field: problem`, so an
/// administrator can go straight to it (DESIGN.md decision 4).
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// One-based; 0 when the problem is about the file as a whole.
    public var line: Int
    /// The dotted path of the field, e.g. `steps.identify.on.found`; empty for the whole file.
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}

/// Every problem found while loading, so one run of `kioskd check-config` lists them all.
public struct ConfigProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public init(_ problems: [ConfigProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Collects problems while several files are read, and throws them together at the end.
public struct ProblemLog: Sendable {
    public private(set) var problems: [ConfigProblem] = []
    public init() {}
    public mutating func add(_ problem: ConfigProblem) { problems.append(problem) }
    public mutating func add(contentsOf others: [ConfigProblem]) { problems.append(contentsOf: others) }
    public var isEmpty: Bool { problems.isEmpty }

    /// Throws every collected problem, sorted by file and line, if there are any.
    public func throwIfAny() throws(ConfigProblems) {
        guard !problems.isEmpty else { return }
        throw ConfigProblems(problems.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
    }
}
