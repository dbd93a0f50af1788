import Foundation

/// The JSON kioskctl and kioskd print for scripts (`--json`): indented, keys sorted, so the same
/// answer always prints the same text.
public func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
