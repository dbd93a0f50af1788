import DeviceKit
import Foundation
import ScreenModel

/// One citizen's visit as a state machine: events in, actions out (after swift-nio's protocol state
/// machines). It holds identity data only while the visit lasts and wipes it when the visit ends,
/// times out or the card is removed (DESIGN.md decision 7). The daemon performs the actions and
/// feeds their answers back as events; `screen()` describes what to show now.
public struct Session: Sendable {
    public let content: KioskContent
    public let settings: SessionSettings
    public private(set) var language: Language
    public private(set) var position: Position
    /// Whether the platform is reachable, as last told.
    public private(set) var online: Bool?
    /// Whether an operator paused the kiosk; it shows the out-of-service screen once nobody is served.
    public private(set) var paused = false

    var context = Context()

    /// The identity document presented in this visit, if any: for the record of who collected
    /// or submitted, which the outbox seals. Wiped with the visit.
    public var presentedIdentity: Identity? { context.identity }
    var step = StepState()
    var stack: [(Position, StepState)] = []
    var health: [DeviceRole: DeviceHealth] = [:]
    /// Where the citizen was when the current flow started, for an assist request's context.
    var cameFrom: Position?
    var idleSeconds = 0
    /// The remote window's prompt, takeover and chat for this visit.
    var remote = RemoteAssistance()
    /// Seconds left on the visible idle countdown, when it is showing.
    public private(set) var countdown: Int?

    public struct Position: Sendable, Equatable, CustomStringConvertible {
        public var flow: String
        public var step: String
        public init(flow: String, step: String) {
            self.flow = flow
            self.step = step
        }
        public var description: String { "\(flow).\(step)" }
    }

    /// What the session has learnt about the citizen. Wiped at the end of every visit.
    struct Context: Sendable {
        var identity: Identity?
        var pickupCode: String?
        var pickups: [PickupSummary] = []
        var chosenPickup: PickupSummary?
        var service: ServiceGuide?
        var pagesScanned = 0
        var reference: String?
        var result: ResultSummary?
        /// The flow the citizen came to do, which a rating at the end is about.
        var subjectFlow: String?
    }

    /// Transient state of the step on screen, reset whenever a step is entered.
    struct StepState: Sendable, Equatable {
        enum Phase: Sendable, Equatable { case main, waiting, reason, thanks, failed, shown }
        var phase: Phase = .main
        /// The on-screen keypad's value while it is open.
        var keypad: String?
        /// A one-off message under the step's text: a failed read, an unusable code.
        var notice: String?
        var page = 0
        var ratingLevel: Int?
        /// The passport's details being typed, field by field (the field's text is in `keypad`).
        var passport: PassportEntry?
        /// The passport's access key while it is read and while a retry may use it again. Personal
        /// data: it lives in the step only, so leaving the step or the visit wipes it.
        var accessKey: DocumentAccessKey?
    }

    public init(content: KioskContent, settings: SessionSettings) {
        self.content = content
        self.settings = settings
        self.language = settings.defaultLanguage
        let home = content.flows[KioskContent.homeFlow]
        self.position = Position(flow: KioskContent.homeFlow, step: home?.start ?? "")
    }

    /// The same kiosk state (device health, connectivity, pause) with new flows and texts, for a
    /// reload. Only used between visits, so nothing of a citizen is carried over.
    public func replacingContent(_ newContent: KioskContent) -> Session {
        var next = Session(content: newContent, settings: settings)
        next.health = health
        next.online = online
        next.paused = paused
        next.remote = remote.afterVisit()
        return next
    }

    // MARK: Queries

    public var flow: FlowDefinition? { content.flows[position.flow] }
    public var currentStep: FlowStep? { flow?.steps[position.step] }
    /// Whether nobody is being served: the home screen with nothing remembered.
    public var isIdle: Bool {
        position.flow == KioskContent.homeFlow && position.step == flow?.start && context.identity == nil
            && context.pickupCode == nil && stack.isEmpty
    }
    public var holdsIdentity: Bool { context.identity != nil }

    func isUsable(_ role: DeviceRole) -> Bool { health[role]?.isUsable ?? true }

    /// The first device role `flowID` needs that is not usable now, if any.
    func missingRole(for flowID: String) -> DeviceRole? {
        content.flows[flowID]?.requires.first { !isUsable($0) }
    }

    // MARK: Events

    public mutating func handle(_ event: SessionEvent) -> [SessionAction] {
        switch event {
        case .key(let key):
            idleSeconds = 0
            if countdown != nil {
                // Any key during the countdown only means "I am still here".
                countdown = nil
                return []
            }
            if let actions = remoteKey(key) { return actions }
            return handleKey(key)
        case .remote(let event):
            return handleRemote(event)
        case .tick:
            return tick()
        case .deviceHealth(let role, let newHealth):
            health[role] = newHealth
            return []
        case .connectivity(let state):
            online = state
            return []
        case .paused(let value):
            paused = value
            return []
        case .identityPresented where remote.identityCheckBy != nil, .documentRead(.success) where remote.identityCheckBy != nil:
            remote.identityCheckBy = nil
            return handleStepEvent(event)
        case .identityRemoved:
            guard context.identity != nil else { return [] }
            context.identity = nil
            if let target = currentStep?.target(.cardRemoved) { return go(target, reason: .cardRemoved) }
            return []
        default:
            return handleStepEvent(event)
        }
    }

    private mutating func tick() -> [SessionAction] {
        if let left = countdown {
            if left <= 1 { return endSession(.idleTimeout) }
            countdown = left - 1
            return []
        }
        if currentStep?.kind.waitsOnDevice == true || step.phase == .waiting || showsOutOfService { return [] }
        idleSeconds += 1
        guard idleSeconds >= settings.idleSeconds else { return [] }
        if isIdle {
            // Nobody is here: quietly put the home screen back in the default language.
            idleSeconds = 0
            language = settings.defaultLanguage
            return []
        }
        countdown = settings.countdownSeconds
        return []
    }

    /// Whether the out-of-service screen is showing: paused, and nobody is being served.
    public var showsOutOfService: Bool { paused && isIdle }

    private mutating func handleKey(_ key: Key) -> [SessionAction] {
        if showsOutOfService {
            if key == .function(2) { language = language.other }
            return []
        }
        let waiting = step.phase == .waiting || currentStep?.kind.waitsOnDevice == true
        switch key {
        case .function(2):
            language = language.other
            return []
        case .function(1) where !waiting && position.flow != KioskContent.helpFlow:
            return startFlow(KioskContent.helpFlow, pushingReturn: true)
        case .escape where step.keypad != nil:
            step.keypad = nil
            step.passport = nil
            step.notice = nil
            return []
        case .escape where !waiting && !isIdle:
            return endSession(.cancelled)
        default:
            return waiting ? [] : handleStepKey(key)
        }
    }

    // MARK: Moving between steps and flows

    /// Follows a transition target: a step of this flow, another flow, `end` or `return`.
    mutating func go(_ target: String, reason: SessionEndReason = .finished) -> [SessionAction] {
        switch target {
        case SpecialTarget.end:
            return endSession(reason)
        case SpecialTarget.return:
            guard let (previous, state) = stack.popLast() else { return endSession(reason) }
            position = previous
            step = state
            return []
        default:
            if flow?.steps[target] != nil { return enter(target) }
            return startFlow(target, pushingReturn: false)
        }
    }

    mutating func startFlow(_ id: String, pushingReturn: Bool) -> [SessionAction] {
        guard let next = content.flows[id] else { return endSession(.finished) }
        cameFrom = position
        if pushingReturn {
            stack.append((position, step))
        } else if position.flow == KioskContent.homeFlow {
            context.subjectFlow = id
        }
        position = Position(flow: id, step: next.start)
        return [.flowStarted(flow: id)] + enter(next.start)
    }

    mutating func enter(_ stepID: String) -> [SessionAction] {
        position.step = stepID
        step = StepState()
        return onEnter()
    }

    mutating func endSession(_ reason: SessionEndReason) -> [SessionAction] {
        context = Context()
        stack = []
        cameFrom = nil
        countdown = nil
        idleSeconds = 0
        language = settings.defaultLanguage
        position = Position(flow: KioskContent.homeFlow, step: content.flows[KioskContent.homeFlow]?.start ?? "")
        step = StepState()
        remote = remote.afterVisit()
        return [.sessionEnded(reason)]
    }

    /// Follows the current step's transition for `outcome`.
    mutating func finish(_ outcome: Outcome) -> [SessionAction] {
        guard let target = currentStep?.target(outcome) else { return endSession(.finished) }
        return go(target)
    }
}
