import Foundation
import Testing
import TouchInput
import YAMLData

/// From a point of the panel to the cell drawn under it, and the calibration file.
@Suite struct TouchCalibrationTests {
    @Test func withoutCalibrationThePanelIsTheGrid() {
        let calibration = TouchCalibration()
        #expect(calibration.cell(at: TouchPoint(x: 0, y: 0), columns: 80, rows: 24)! == (0, 0))
        #expect(calibration.cell(at: TouchPoint(x: 1, y: 1), columns: 80, rows: 24)! == (79, 23))
        #expect(calibration.cell(at: TouchPoint(x: 0.5, y: 0.5), columns: 80, rows: 24)! == (40, 12))
        #expect(calibration.cell(at: TouchPoint(x: 0.999, y: 0.042), columns: 80, rows: 24)! == (79, 1))
    }

    @Test func swapInvertAndTurnsMoveTheTopLeftCornerWhereTheyShould() {
        let corner = TouchPoint(x: 0.01, y: 0.01)
        func cell(_ change: (inout TouchCalibration) -> Void) -> (Int, Int)? {
            var calibration = TouchCalibration()
            change(&calibration)
            return calibration.cell(at: corner, columns: 80, rows: 24).map { ($0.column, $0.row) }
        }
        #expect(cell { $0.invertX = true }! == (79, 0))
        #expect(cell { $0.invertY = true }! == (0, 23))
        #expect(cell { $0.rotation = .quarter }! == (79, 0))
        #expect(cell { $0.rotation = .half }! == (79, 23))
        #expect(cell { $0.rotation = .threeQuarters }! == (0, 23))
        let along = TouchPoint(x: 0.9, y: 0.1)
        var swapped = TouchCalibration()
        swapped.swapAxes = true
        #expect(swapped.cell(at: along, columns: 80, rows: 24)! == (8, 21))
    }

    @Test func marginsCutThePanelsEdgesAndATouchThereIsOutsideTheGrid() {
        var calibration = TouchCalibration()
        calibration.margins = .init(left: 100, top: 50, right: 100, bottom: 50)
        #expect(calibration.cell(at: TouchPoint(x: 0.05, y: 0.5), columns: 80, rows: 24) == nil)
        #expect(calibration.cell(at: TouchPoint(x: 0.5, y: 0.97), columns: 80, rows: 24) == nil)
        #expect(calibration.cell(at: TouchPoint(x: 0.1, y: 0.05), columns: 80, rows: 24)! == (0, 0))
        #expect(calibration.cell(at: TouchPoint(x: 0.5, y: 0.5), columns: 80, rows: 24)! == (40, 12))
        #expect(calibration.cell(at: TouchPoint(x: .nan, y: 0.5), columns: 80, rows: 24) == nil)
        #expect(calibration.cell(at: TouchPoint(x: 2, y: -1), columns: 80, rows: 24) == nil)
        #expect(calibration.cell(at: TouchPoint(x: 0.5, y: 0.5), columns: 0, rows: 0) == nil)
    }

    func load(_ text: String) throws -> Result<TouchCalibration, ConfigProblems> {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("touch-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return TouchCalibration.load(from: url, displayPath: "touch-calibration.yaml")
    }

    @Test func whatCalibrateWritesReadsBackTheSame() throws {
        var calibration = TouchCalibration()
        calibration.swapAxes = true
        calibration.invertY = true
        calibration.rotation = .threeQuarters
        calibration.margins = .init(left: 12, top: 30, right: 7, bottom: 0)
        #expect(try load(calibration.yaml).get() == calibration)
        calibration.device = "/dev/input/kiosk-touch"
        #expect(try load(calibration.yaml).get() == calibration)
    }

    @Test func nonsenseIsNamedFieldByField() throws {
        let text = """
            device: /etc/passwd
            swap-axes: maybe
            rotation: 45
            margins: {left: 900, top: -1, middle: 3}
            colour: blue
            """
        guard case .failure(let problems) = try load(text) else {
            Issue.record("nonsense was accepted")
            return
        }
        let lines = problems.description
        #expect(lines.contains("touch-calibration.yaml:1: device: must be an input device under /dev/input/"))
        #expect(lines.contains("touch-calibration.yaml:2: swap-axes: expected true or false"))
        #expect(lines.contains("touch-calibration.yaml:3: rotation: must be 0, 90, 180 or 270, not 45"))
        #expect(lines.contains("margins.left: must be between 0 and 300, not 900"))
        #expect(lines.contains("margins.top: must be between 0 and 300, not -1"))
        #expect(lines.contains("middle"))
        #expect(lines.contains("colour"))
        guard case .failure = try load("not: [valid") else {
            Issue.record("broken YAML was accepted")
            return
        }
        guard case .failure = try load("") else {
            Issue.record("an empty file was accepted")
            return
        }
    }
}
