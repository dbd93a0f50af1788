import DeviceKit
import Foundation

/// What a control request asks for. The raw values are the protocol's words
/// (docs/control-protocol.md), so a script that writes JSON by hand uses the same names.
public enum ControlCommand: String, Codable, Sendable, CaseIterable {
    case status, devices
    case deviceTest = "device-test", deviceReset = "device-reset"
    case printerTest = "printer-test", printerReprint = "printer-reprint"
    case pause, resume, reload, metrics, remote
    case queue, queueList = "queue-list", queueRetry = "queue-retry", queueExport = "queue-export", queueFlush = "queue-flush"
    case sim, console
}

/// The `action` of a `sim` request: what to do to a demo kiosk's simulated devices.
public enum SimulatorCommand: String, Codable, Sendable, CaseIterable {
    case insertCard = "insert-card", placePassport = "place-passport", removeCard = "remove-card"
    case failNextRead = "fail-next-read", scan, printer, feedPage = "feed-page", hang, enqueue
}

/// The `printer` of a `sim printer` request: a fault to play on a simulated printer, or its end.
public enum SimulatedPrinterCommand: String, Codable, Sendable, CaseIterable {
    case paperOut = "paper-out", jam, offline, paperLow = "paper-low", recover
    /// The next job runs out of paper half-way.
    case failNextJob = "fail-next-job"
}

/// What a script or a demo key can do to the simulated devices, to play a citizen or a fault.
public enum SimulatorAction: Sendable, Codable, Equatable {
    case insertCard(Identity)
    /// Places a passport: no event, it is read when the citizen gives its access key.
    case placePassport(Identity)
    case removeCard
    case failNextRead
    case scan(String)
    case printer(SimulatedPrinterCommand, role: DeviceRole)
    case feedPage
    /// Wedges a simulated device (by id), for the watchdog's tests.
    case hang(String)
}

extension ControlRequest {
    /// The device id a `sim hang` names to wedge the session loop instead of a device.
    public static let sessionLoop = "session-loop"

    /// The simulator action a `sim` request asks for, with its defaults filled in; nil when the
    /// request is no such action (`enqueue` and a hang of the session loop are the daemon's own)
    /// or lacks what the action needs (a code to scan, a printer command, a device to hang).
    public var simulatorAction: SimulatorAction? {
        guard command == .sim, let action else { return nil }
        switch action {
        case .insertCard: return .insertCard(identity ?? SimulatedIdentities.residentID)
        case .placePassport: return .placePassport(identity ?? SimulatedIdentities.passport)
        case .removeCard: return .removeCard
        case .failNextRead: return .failNextRead
        case .scan: return code.map { .scan($0) }
        case .printer: return printer.map { .printer($0, role: role ?? .certificatePrinter) }
        case .feedPage: return .feedPage
        case .hang: return device.flatMap { $0 == Self.sessionLoop ? nil : .hang($0) }
        case .enqueue: return nil
        }
    }

    /// Reads one request line. A line that is JSON but names a command, action or printer
    /// command this kiosk does not know is refused with the words it does know, so a script's
    /// author learns the fix from the answer.
    public static func decode(line: Data) -> Result<ControlRequest, ControlRequestError> {
        if let request = try? JSONDecoder().decode(ControlRequest.self, from: line) { return .success(request) }
        struct Words: Decodable { var command: String?; var action: String?; var printer: String? }
        guard let words = try? JSONDecoder().decode(Words.self, from: line) else { return .failure(.notARequest) }
        if let command = words.command, ControlCommand(rawValue: command) == nil {
            return .failure(.unknown(what: "command", word: command, known: ControlCommand.allCases.map(\.rawValue)))
        }
        if let action = words.action, SimulatorCommand(rawValue: action) == nil {
            return .failure(.unknown(what: "sim action", word: action, known: SimulatorCommand.allCases.map(\.rawValue)))
        }
        if let printer = words.printer, SimulatedPrinterCommand(rawValue: printer) == nil {
            return .failure(.unknown(what: "printer command", word: printer, known: SimulatedPrinterCommand.allCases.map(\.rawValue)))
        }
        return .failure(.notARequest)
    }
}

public enum ControlRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case notARequest
    case unknown(what: String, word: String, known: [String])

    public var description: String {
        switch self {
        case .notARequest:
            "not a valid request: send one JSON object per line, e.g. {\"command\":\"status\"}"
        case .unknown(let what, let word, let known):
            "unknown \(what) \"\(word)\"; use \(known.joined(separator: ", "))"
        }
    }
}
