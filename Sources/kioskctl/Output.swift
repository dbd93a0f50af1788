import Foundation
import KioskControl
import TerminalUI

/// Prints what kioskd answered: its message, or the whole answer as JSON.
func report(_ response: ControlResponse, json: Bool) throws {
    if json {
        print(try prettyJSON(response))
    } else if let message = response.message {
        print(message)
    }
}

/// Columns padded to their widest cell.
func table(_ header: [String], _ rows: [[String]]) -> String {
    // Cells can hold what devices and the platform said: no escape sequence reaches the terminal.
    let rows = rows.map { $0.map { Sanitizer.clean($0) } }
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    return ([header] + rows).map { row in
        zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}
