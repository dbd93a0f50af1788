import Foundation
import YAMLData

/// How a touch panel's coordinates line up with the character grid drawn on the screen under it,
/// read from `touch-calibration.yaml` (beside kiosk.yaml) and written by
/// `kioskctl console --calibrate`.
///
/// A touch is first made a point of the panel from 0 to 1 on each axis (its reported range), then
/// the axes are swapped, inverted and turned as written here, and last the margins are cut off:
/// what is left is the grid, so a panel that reaches beyond the picture, or a picture that does not
/// fill the panel, still hits the right cell.
public struct TouchCalibration: Sendable, Equatable {
    /// The panel's event device, e.g. `/dev/input/kiosk-touch` (the catalog's udev rules name a
    /// known controller so); nil for the first direct-touch panel found.
    public var device: String?
    /// The panel's X runs along the screen's rows.
    public var swapAxes = false
    public var invertX = false
    public var invertY = false
    /// Quarter turns clockwise: 90 lands a touch at the panel's top left on the screen's top right.
    public var rotation = Rotation.none
    /// The panel's edges that lie outside the grid, in thousandths of the panel, after the turns.
    public var margins = Margins()

    public enum Rotation: Int, Sendable, CaseIterable {
        case none = 0, quarter = 90, half = 180, threeQuarters = 270
    }

    public struct Margins: Sendable, Equatable {
        public var left = 0, top = 0, right = 0, bottom = 0
        public init(left: Int = 0, top: Int = 0, right: Int = 0, bottom: Int = 0) {
            (self.left, self.top, self.right, self.bottom) = (left, top, right, bottom)
        }
    }

    /// The largest margin accepted: beyond it the grid would be too small to be the screen.
    public static let maximumMargin = 300

    public init() {}

    /// The cell under a point of the panel (0…1 on each axis), or nil when it lies outside the grid.
    public func cell(at point: TouchPoint, columns: Int, rows: Int) -> (column: Int, row: Int)? {
        guard columns > 0, rows > 0, point.x.isFinite, point.y.isFinite else { return nil }
        var (x, y) = (point.x, point.y)
        if swapAxes { (x, y) = (y, x) }
        if invertX { x = 1 - x }
        if invertY { y = 1 - y }
        switch rotation {
        case .none: break
        case .quarter: (x, y) = (1 - y, x)
        case .half: (x, y) = (1 - x, 1 - y)
        case .threeQuarters: (x, y) = (y, 1 - x)
        }
        let left = Double(margins.left) / 1000, right = Double(margins.right) / 1000
        let top = Double(margins.top) / 1000, bottom = Double(margins.bottom) / 1000
        let gridX = (x - left) / (1 - left - right), gridY = (y - top) / (1 - top - bottom)
        guard (0...1).contains(gridX), (0...1).contains(gridY) else { return nil }
        return (min(columns - 1, Int(gridX * Double(columns))), min(rows - 1, Int(gridY * Double(rows))))
    }
}

/// A point of the panel, 0 to 1 from its left (x) and its top (y) as the panel reports them.
public struct TouchPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { (self.x, self.y) = (x, y) }
}

extension TouchCalibration {
    /// The file's name beside kiosk.yaml.
    public static let fileName = "touch-calibration.yaml"

    /// Reads and checks a calibration file; every problem is reported as `file:line: field: problem`.
    public static func load(from url: URL, displayPath: String? = nil) -> Result<TouchCalibration, ConfigProblems> {
        let file = DataFile(contentsOf: url, displayPath: displayPath)
        var calibration = TouchCalibration()
        if let root = file.root {
            root.rejectUnknownKeys(["device", "swap-axes", "invert-x", "invert-y", "rotation", "margins"])
            if let node = root.optional("device"), let path = node.nonEmptyString() {
                if path.hasPrefix("/dev/input/") && !path.contains("..") && path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) {
                    calibration.device = path
                } else {
                    node.problem("must be an input device under /dev/input/, e.g. /dev/input/kiosk-touch, not \"\(path)\"")
                }
            }
            if let value = root.optional("swap-axes")?.bool() { calibration.swapAxes = value }
            if let value = root.optional("invert-x")?.bool() { calibration.invertX = value }
            if let value = root.optional("invert-y")?.bool() { calibration.invertY = value }
            if let node = root.optional("rotation"), let degrees = node.int() {
                if let rotation = Rotation(rawValue: degrees) {
                    calibration.rotation = rotation
                } else {
                    node.problem("must be 0, 90, 180 or 270, not \(degrees)")
                }
            }
            if let margins = root.optional("margins") {
                margins.rejectUnknownKeys(["left", "top", "right", "bottom"])
                let range = 0...maximumMargin
                if let value = margins.optional("left")?.int(in: range) { calibration.margins.left = value }
                if let value = margins.optional("top")?.int(in: range) { calibration.margins.top = value }
                if let value = margins.optional("right")?.int(in: range) { calibration.margins.right = value }
                if let value = margins.optional("bottom")?.int(in: range) { calibration.margins.bottom = value }
            }
        }
        return file.problems.isEmpty ? .success(calibration) : .failure(ConfigProblems(file.problems))
    }

    /// The file as `kioskctl console --calibrate` writes it.
    public var yaml: String {
        """
        # How the touch panel lines up with the screen: written by `kioskctl console --calibrate`.
        # Margins are thousandths of the panel outside the character grid, after the axes are
        # swapped, inverted and turned (rotation: 0, 90, 180 or 270, clockwise). `device:` names the
        # panel (e.g. /dev/input/kiosk-touch); without it the console takes the first one it finds.
        \(device.map { "device: \($0)\n" } ?? "")swap-axes: \(swapAxes)
        invert-x: \(invertX)
        invert-y: \(invertY)
        rotation: \(rotation.rawValue)
        margins: {left: \(margins.left), top: \(margins.top), right: \(margins.right), bottom: \(margins.bottom)}

        """
    }
}
