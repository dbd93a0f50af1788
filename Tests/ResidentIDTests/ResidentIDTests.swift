import DeviceKit
import ResidentID
import Testing

/// Helpers shared by the suites.
enum Bytes {
    static func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    /// Drains a decoder.
    static func drain(_ decoder: inout GA467FrameDecoder) -> [GA467FrameDecoder.Action] {
        var actions: [GA467FrameDecoder.Action] = []
        while true {
            let action = decoder.next()
            if action == .needMoreData { return actions }
            actions.append(action)
        }
    }
}
