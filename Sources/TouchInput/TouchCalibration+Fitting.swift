extension TouchCalibration {
    /// A target drawn at a cell and where the panel said it was touched.
    public struct Sample: Sendable, Equatable {
        public var column: Int
        public var row: Int
        public var touched: TouchPoint
        public init(column: Int, row: Int, touched: TouchPoint) {
            (self.column, self.row, self.touched) = (column, row, touched)
        }
    }

    /// Why four touches make no calibration, in words for the technician.
    public struct FittingFailure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The calibration that puts four touches on the four corner targets they were meant for,
    /// given in the order top left, top right, bottom right, bottom left: which way the axes run
    /// (swapped, inverted) and the margins, from the targets' cells on a grid of this size.
    public static func fit(_ samples: [Sample], columns: Int, rows: Int) -> Result<TouchCalibration, FittingFailure> {
        guard samples.count == 4, columns > 1, rows > 1 else {
            return .failure(FittingFailure(description: "four touches are needed, one on each corner's target"))
        }
        var points = samples.map(\.touched)
        var calibration = TouchCalibration()
        // Along the top edge the screen's X changes: if the panel's Y changes more, its axes are swapped.
        let top = (dx: points[1].x - points[0].x, dy: points[1].y - points[0].y)
        if abs(top.dy) > abs(top.dx) {
            calibration.swapAxes = true
            points = points.map { TouchPoint(x: $0.y, y: $0.x) }
        }
        if points[1].x < points[0].x {
            calibration.invertX = true
            points = points.map { TouchPoint(x: 1 - $0.x, y: $0.y) }
        }
        if points[3].y < points[0].y {
            calibration.invertY = true
            points = points.map { TouchPoint(x: $0.x, y: 1 - $0.y) }
        }
        func centre(_ cell: Int, of count: Int) -> Double { (Double(cell) + 0.5) / Double(count) }
        // Each axis: where the grid's near and far targets were touched gives its start and length.
        func margins(near: Double, far: Double, nearCell: Double, farCell: Double) -> (Double, Double)? {
            guard farCell > nearCell else { return nil }
            let length = (far - near) / (farCell - nearCell)
            let start = near - nearCell * length
            return (start, 1 - start - length)
        }
        let left = (points[0].x + points[3].x) / 2, right = (points[1].x + points[2].x) / 2
        let high = (points[0].y + points[1].y) / 2, low = (points[2].y + points[3].y) / 2
        guard let horizontal = margins(near: left, far: right,
                                       nearCell: centre((samples[0].column + samples[3].column) / 2, of: columns),
                                       farCell: centre((samples[1].column + samples[2].column) / 2, of: columns)),
              let vertical = margins(near: high, far: low,
                                     nearCell: centre((samples[0].row + samples[1].row) / 2, of: rows),
                                     farCell: centre((samples[2].row + samples[3].row) / 2, of: rows)) else {
            return .failure(FittingFailure(description: "the targets were not in the corners"))
        }
        // A little beyond the panel is rounding; more means a touch missed its target.
        let found = [horizontal.0, vertical.0, horizontal.1, vertical.1]
        guard found.allSatisfy({ $0.isFinite && $0 > -0.05 && $0 <= Double(maximumMargin) / 1000 }) else {
            return .failure(FittingFailure(description: "the touches were too far from the targets: touch the middle of each + and try again"))
        }
        let perMille = found.map { max(0, Int(($0 * 1000).rounded())) }
        calibration.margins = Margins(left: perMille[0], top: perMille[1], right: perMille[2], bottom: perMille[3])
        return .success(calibration)
    }
}
