import SmartCard

/// Small synchronous PC/SC calls for test set-up.
enum PCSCProbe {
    static func readers() throws -> [String] {
        let context = try PCSCContext()
        return try context.readers()
    }
}

extension PCSCProbe {
    /// Whether pcscd sees a card in the reader whose name starts with `prefix`.
    static func present(_ prefix: String) throws -> Bool {
        let context = try PCSCContext()
        guard let name = try context.readers().first(where: { $0.hasPrefix(prefix) }) else { return false }
        return try context.statusChange([.init(reader: name)], timeoutMilliseconds: 0)[0].isPresent
    }
}
