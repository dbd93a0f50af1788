/// The languages a citizen can switch between on every screen.
public enum Language: String, Sendable, Codable, CaseIterable {
    case zhHans = "zh-Hans"
    case en

    public var other: Language { self == .zhHans ? .en : .zhHans }
}
