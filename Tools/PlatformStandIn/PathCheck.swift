/// Path checks shared by the routes.
enum PathCheck {
    /// The `{sha256}` of the path when it is 64 lower-case hex digits; 400 otherwise.
    static func digest(_ context: StandInContext) throws -> String {
        let digest = try context.parameters.require("sha256")
        guard isDigest(digest) else {
            throw ProblemError(.badRequest, "bad digest", detail: "the path must end in 64 lower-case hex digits (SHA-256)")
        }
        return digest
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
