import CSANE

/// One option of an open SANE device, copied out of its `SANE_Option_Descriptor` (the descriptor's
/// memory belongs to the backend and may change when options reload).
struct SANEOption: Sendable, Equatable {
    enum ValueType: Sendable, Equatable { case bool, int, fixed, string, button, group }

    enum Constraint: Sendable, Equatable {
        case none
        /// In the option's own words (fixed-point for `fixed` options); `quant` 0 means any step.
        case range(min: Int32, max: Int32, quant: Int32)
        case words([Int32])
        case strings([String])
    }

    var index: Int32
    var name: String
    var type: ValueType
    /// Bytes the value takes (for strings: the buffer size, including the NUL).
    var size: Int
    var capabilities: Int32
    var constraint: Constraint

    var isActive: Bool { capabilities & SANE_CAP_INACTIVE == 0 }
    var isSettable: Bool { capabilities & SANE_CAP_SOFT_SELECT != 0 }

    init?(index: Int32, descriptor: SANE_Option_Descriptor) {
        self.index = index
        name = descriptor.name.map { String(cString: $0) } ?? ""
        switch descriptor.type {
        case SANE_TYPE_BOOL: type = .bool
        case SANE_TYPE_INT: type = .int
        case SANE_TYPE_FIXED: type = .fixed
        case SANE_TYPE_STRING: type = .string
        case SANE_TYPE_BUTTON: type = .button
        case SANE_TYPE_GROUP: type = .group
        default: return nil
        }
        size = Int(max(descriptor.size, 0))
        capabilities = descriptor.cap
        switch descriptor.constraint_type {
        case SANE_CONSTRAINT_RANGE:
            if let range = descriptor.constraint.range?.pointee {
                constraint = .range(min: range.min, max: range.max, quant: range.quant)
            } else {
                constraint = .none
            }
        case SANE_CONSTRAINT_WORD_LIST:
            // The first word is the count of the words after it.
            if let list = descriptor.constraint.word_list, list[0] >= 0 {
                constraint = .words((0..<Int(list[0])).map { list[$0 + 1] })
            } else {
                constraint = .none
            }
        case SANE_CONSTRAINT_STRING_LIST:
            var strings: [String] = []
            if let list = descriptor.constraint.string_list {
                var index = 0
                while let entry = list[index] {
                    strings.append(String(cString: entry))
                    index += 1
                }
            }
            constraint = .strings(strings)
        default:
            constraint = .none
        }
    }

    /// The allowed word nearest to `wanted` (both in the option's own units).
    func nearestWord(to wanted: Int32) -> Int32 {
        switch constraint {
        case .range(let min, let max, let quant):
            let clamped = Swift.min(Swift.max(wanted, min), max)
            guard quant > 0 else { return clamped }
            let steps = (Double(clamped) - Double(min)) / Double(quant)
            let snapped = Int64(min) + Int64(steps.rounded()) * Int64(quant)
            return Int32(Swift.min(Int64(max), snapped))
        case .words(let words) where !words.isEmpty:
            return words.min { abs(Int64($0) - Int64(wanted)) < abs(Int64($1) - Int64(wanted)) } ?? wanted
        default:
            return wanted
        }
    }

    /// The allowed strings, empty when the option takes any string.
    var allowedStrings: [String] {
        if case .strings(let list) = constraint { list } else { [] }
    }

    var allowedWords: [Int32] {
        if case .words(let list) = constraint { list } else { [] }
    }

    /// Converts a whole number (e.g. dots per inch) to the option's own units.
    func word(for value: Double) -> Int32 {
        let scaled = type == .fixed ? value * Double(1 << SANE_FIXED_SCALE_SHIFT) : value
        guard scaled.isFinite else { return 0 }
        return Int32(min(max(scaled.rounded(), Double(Int32.min)), Double(Int32.max)))
    }

    /// Converts a word in the option's own units back to a number.
    func value(of word: Int32) -> Double {
        type == .fixed ? Double(word) / Double(1 << SANE_FIXED_SCALE_SHIFT) : Double(word)
    }
}
