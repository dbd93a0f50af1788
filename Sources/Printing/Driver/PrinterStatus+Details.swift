import DeviceKit

/// A queue's status as operators read it in `kioskctl devices`: every reason, the media loaded and
/// every supply with its level.
extension PrinterStatus {
    /// A supply's low mark when the printer gives none (`marker-low-levels` is optional).
    static let defaultLowLevel = 10

    public var details: DeviceDetails {
        DeviceDetails(stateReasons: reasons, media: media, supplies: supplies.map(\.detail))
    }

    /// What cupsd lists in `media-ready`, with the paper's state from the reasons: CUPS keeps
    /// listing the loaded size when the tray runs out.
    var media: DeviceDetails.Media {
        let names = Set(reasons.map { PrinterStateReasons.split($0).name })
        let state: DeviceDetails.Media.State =
            names.contains("media-empty") || names.contains("media-needed") ? .empty : names.contains("media-low") ? .low : .ready
        return DeviceDetails.Media(ready: mediaReady, state: state)
    }
}

extension PrinterStatus.Supply {
    /// The level as a percentage, or why there is none: -1 unavailable, -2 unknown, -3 unknown but
    /// some remaining. A waste container's level says how full it is, so it is never "low";
    /// `marker-waste-*` reasons report it instead.
    public var detail: DeviceDetails.Supply {
        let note: DeviceDetails.Supply.LevelNote? = switch level {
        case 0...100: nil
        case -1: .unavailable
        case -3: .someRemaining
        default: .unknown
        }
        guard note == nil else { return DeviceDetails.Supply(name: name, type: type, level: nil, levelNote: note) }
        let waste = type?.hasPrefix("waste") == true
        let mark = lowLevel.flatMap { (0...100).contains($0) ? $0 : nil } ?? PrinterStatus.defaultLowLevel
        return DeviceDetails.Supply(name: name, type: type, level: level,
                                    low: !waste && level <= mark, empty: !waste && level == 0)
    }
}
