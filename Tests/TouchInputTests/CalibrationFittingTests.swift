import Testing
import TouchInput

/// `kioskctl console --calibrate`'s sums: four touches on corner targets make the calibration that
/// puts every later touch on the cell under the finger.
@Suite struct CalibrationFittingTests {
    /// The corner targets at 80×24, as the calibration screen draws them.
    static let targets = [(3, 2), (76, 2), (76, 21), (3, 21)]

    /// Where a panel set up as `truth` reports a touch in the middle of a cell: its mapping backwards.
    static func panelPoint(column: Int, row: Int, _ truth: TouchCalibration, columns: Int = 80, rows: Int = 24) -> TouchPoint {
        let left = Double(truth.margins.left) / 1000, right = Double(truth.margins.right) / 1000
        let top = Double(truth.margins.top) / 1000, bottom = Double(truth.margins.bottom) / 1000
        let gridX = (Double(column) + 0.5) / Double(columns)
        let gridY = (Double(row) + 0.5) / Double(rows)
        var x = left + gridX * (1 - left - right)
        var y = top + gridY * (1 - top - bottom)
        if truth.invertY { y = 1 - y }
        if truth.invertX { x = 1 - x }
        if truth.swapAxes { (x, y) = (y, x) }
        return TouchPoint(x: x, y: y)
    }

    func touches(_ truth: TouchCalibration) -> [TouchCalibration.Sample] {
        Self.targets.map { TouchCalibration.Sample(column: $0.0, row: $0.1, touched: Self.panelPoint(column: $0.0, row: $0.1, truth)) }
    }

    @Test(arguments: [false, true], [false, true])
    func everyOrientationAndItsMarginsAreFound(swap: Bool, invert: Bool) throws {
        var truth = TouchCalibration()
        truth.swapAxes = swap
        truth.invertX = invert
        truth.invertY = !invert
        truth.margins = .init(left: 40, top: 25, right: 12, bottom: 60)
        let fitted = try TouchCalibration.fit(touches(truth), columns: 80, rows: 24).get()
        #expect(fitted == truth)
        // And it works: a touch anywhere lands on the cell it was meant for.
        for (column, row) in [(0, 0), (40, 12), (79, 23), (10, 20)] {
            #expect(fitted.cell(at: Self.panelPoint(column: column, row: row, truth), columns: 80, rows: 24)! == (column, row))
        }
    }

    @Test func aSloppyFingerIsStillCloseEnough() throws {
        var samples = touches(TouchCalibration())
        samples[0].touched.x += 0.004
        samples[2].touched.y -= 0.006
        let fitted = try TouchCalibration.fit(samples, columns: 80, rows: 24).get()
        #expect(!fitted.swapAxes && !fitted.invertX && !fitted.invertY)
        #expect([fitted.margins.left, fitted.margins.top, fitted.margins.right, fitted.margins.bottom].allSatisfy { $0 <= 8 })
    }

    @Test func touchesThatMissedTheirTargetsAreRefused() {
        var samples = touches(TouchCalibration())
        samples[1].touched = TouchPoint(x: 0.3, y: 0.05)      // the top-right target touched near the middle
        #expect(throws: TouchCalibration.FittingFailure.self) { try TouchCalibration.fit(samples, columns: 80, rows: 24).get() }
        #expect(throws: TouchCalibration.FittingFailure.self) { try TouchCalibration.fit(Array(samples.prefix(3)), columns: 80, rows: 24).get() }
        let same = Array(repeating: TouchCalibration.Sample(column: 3, row: 2, touched: TouchPoint(x: 0.5, y: 0.5)), count: 4)
        #expect(throws: TouchCalibration.FittingFailure.self) { try TouchCalibration.fit(same, columns: 80, rows: 24).get() }
    }
}
