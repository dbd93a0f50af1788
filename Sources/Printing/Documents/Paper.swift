/// The paper a receipt or test page is laid out for (connection key `paper`).
public enum Paper: String, Sendable, CaseIterable {
    /// ISO A4 sheets, 210 × 297 mm.
    case a4
    /// An 80 mm thermal roll (72 mm printable); the page is as long as its content.
    case roll80mm = "roll-80mm"

    /// Sizes in PostScript points (1/72 in), as cairo and PDF measure.
    struct Layout {
        var width: Double
        /// nil: as long as the content.
        var height: Double?
        var margin: Double
        var titleSize: Double
        var bodySize: Double
        var qrModule: Double
    }

    static let pointsPerMillimetre = 72.0 / 25.4

    var layout: Layout {
        let mm = Self.pointsPerMillimetre
        switch self {
        case .a4: return Layout(width: 210 * mm, height: 297 * mm, margin: 20 * mm, titleSize: 18, bodySize: 12, qrModule: 3.6)
        case .roll80mm: return Layout(width: 80 * mm, height: nil, margin: 4 * mm, titleSize: 12, bodySize: 9, qrModule: 2.6)
        }
    }
}
