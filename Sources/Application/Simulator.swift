import DeviceKit
import KioskControl
import ScreenModel

/// The simulated devices of a demo kiosk, reachable by role, and the demo's function keys.
public final class Simulator: Sendable {
    let identityReader: SimulatedIdentityReader?
    let codeScanner: SimulatedCodeScanner?
    let printers: [DeviceRole: SimulatedPrinter]
    let documentScanner: SimulatedDocumentScanner?
    /// Every simulated device by id, for `hang`.
    let byID: [String: any Device]
    /// The code F7 scans: a pickup code from the demo data.
    let sampleCode: String

    public init(devices: [ManagedDevice], sampleCode: String) {
        var printers: [DeviceRole: SimulatedPrinter] = [:]
        var reader: SimulatedIdentityReader?
        var scanner: SimulatedCodeScanner?
        var documents: SimulatedDocumentScanner?
        for managed in devices {
            switch managed.device {
            case let device as SimulatedIdentityReader: reader = reader ?? device
            case let device as SimulatedCodeScanner: scanner = scanner ?? device
            case let device as SimulatedDocumentScanner: documents = documents ?? device
            case let device as SimulatedPrinter: printers[managed.role] = device
            default: break
            }
        }
        identityReader = reader
        codeScanner = scanner
        self.printers = printers
        documentScanner = documents
        self.sampleCode = sampleCode
        byID = Dictionary(devices.map { ($0.device.id, $0.device) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether there is any simulated device to drive.
    public var isEmpty: Bool {
        identityReader == nil && codeScanner == nil && printers.isEmpty && documentScanner == nil
    }

    /// Carries out an action; the answer says what happened, or why not, for `kioskctl sim`.
    @discardableResult
    public func perform(_ action: SimulatorAction) -> Result<String, SimulatorError> {
        switch action {
        case .insertCard(let identity):
            guard let identityReader else { return .failure(.noDevice("identity reader")) }
            identityReader.insert(identity)
            return .success("card placed on \(identityReader.id): \(identity)")
        case .placePassport(let identity):
            guard let identityReader else { return .failure(.noDevice("identity reader")) }
            identityReader.placeDocument(identity)
            return .success("passport placed on \(identityReader.id): \(identity)")
        case .removeCard:
            guard let identityReader else { return .failure(.noDevice("identity reader")) }
            identityReader.remove()
            return .success("card removed from \(identityReader.id)")
        case .failNextRead:
            guard let identityReader else { return .failure(.noDevice("identity reader")) }
            identityReader.failNextRead()
            return .success("the next read on \(identityReader.id) will fail")
        case .scan(let code):
            guard let codeScanner else { return .failure(.noDevice("code scanner")) }
            codeScanner.scan(Array(code.utf8))
            return .success("scanned \(code.utf8.count) bytes on \(codeScanner.id)")
        case .printer(let command, let role):
            guard let printer = printers[role] else { return .failure(.noDevice(role.rawValue)) }
            switch command {
            case .recover: printer.recover()
            case .failNextJob: printer.failNextJobMidway()
            case .paperOut: printer.setFault(.paperOut)
            case .jam: printer.setFault(.jam)
            case .offline: printer.setFault(.offline)
            case .paperLow: printer.setFault(.paperLow)
            }
            return .success("\(printer.id): \(command.rawValue)")
        case .feedPage:
            guard let documentScanner else { return .failure(.noDevice("document scanner")) }
            documentScanner.feed(pages: [SimulatedDocumentScanner.samplePage(number: documentScanner.pagesWaiting + 1)])
            return .success("a page is on \(documentScanner.id)")
        case .hang(let target):
            // The session loop is the runtime's; ControlServer hands that one to it.
            switch byID[target] {
            case let device as SimulatedIdentityReader: device.hang()
            case let device as SimulatedCodeScanner: device.hang()
            case let device as SimulatedDocumentScanner: device.hang()
            case let device as SimulatedPrinter: device.hang()
            default: return .failure(.noDevice(target))
            }
            return .success("\(target) will stop answering")
        }
    }

    /// The footer hint for the demo's keys.
    static let keyHint = "Sim: F5 card in F6 out F7 scan F8 paper F9 fix F10 page"

    /// The demo binds function keys to the same actions a script has.
    static func action(for key: Key) -> DemoKey? {
        guard case .function(let number) = key else { return nil }
        return DemoKey(rawValue: number)
    }

    enum DemoKey: Int {
        case insertCard = 5, removeCard, scanCode, paperOut, recover, feedPage
    }

    func perform(_ key: DemoKey) {
        switch key {
        case .insertCard: perform(SimulatorAction.insertCard(SimulatedIdentities.residentID))
        case .removeCard: perform(SimulatorAction.removeCard)
        case .scanCode: perform(SimulatorAction.scan(sampleCode))
        case .paperOut: perform(SimulatorAction.printer(.paperOut, role: .certificatePrinter))
        case .recover:
            for role in printers.keys { perform(SimulatorAction.printer(.recover, role: role)) }
        case .feedPage: perform(SimulatorAction.feedPage)
        }
    }
}

public enum SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case noDevice(String)
    case notADemo

    public var description: String {
        switch self {
        case .noDevice(let what): "this kiosk has no simulated \(what)"
        case .notADemo: "this kiosk runs real devices; `kioskctl sim` only works with a demo (kioskd --demo)"
        }
    }
}
