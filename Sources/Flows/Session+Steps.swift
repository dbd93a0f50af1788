import DeviceKit
import ScreenModel

/// What each kind of step does when entered, on a key, and on an answer from the daemon.
extension Session {
    /// The five levels of the rating, 1 (非常满意, very satisfied) to 5, by their texts.
    static let ratingLevelTexts: [TextKey] = [.rateLevel1, .rateLevel2, .rateLevel3, .rateLevel4, .rateLevel5]
    static var ratingLevels: Int { ratingLevelTexts.count }
    /// Ratings at or below this level (不满意, dissatisfied) ask for a reason.
    static let firstUnhappyLevel = 4
    /// Why a low rating was given: the name recorded for the platform, and the citizen's words.
    static let ratingReasons: [(name: String, text: TextKey)] = [
        ("waiting", .rateReasonWaiting), ("device", .rateReasonDevice), ("guidance", .rateReasonGuidance),
        ("result", .rateReasonResult), ("other", .rateReasonOther),
    ]
    static let listPageSize = 8

    mutating func onEnter() -> [SessionAction] {
        guard let kind = currentStep?.kind else { return [] }
        switch kind {
        case .findPickups:
            let query: PickupQuery
            if let identity = context.identity {
                query = .holder(identity)
            } else if let code = context.pickupCode {
                query = .pickupCode(code)
            } else {
                return finish(.none)
            }
            step.phase = .waiting
            return [.findPickups(query)]
        case .choosePickup:
            if context.pickups.count == 1 {
                context.chosenPickup = context.pickups[0]
                return finish(.chosen)
            }
            return []
        case .printCertificate:
            guard let pickup = context.chosenPickup else { return finish(.failed) }
            step.phase = .waiting
            return [.printCertificate(pickup)]
        case .offerReceipt:
            return isUsable(.receiptPrinter) ? [] : finish(.done)
        case .submit:
            guard let service = context.service else { return finish(.done) }
            step.phase = .waiting
            return [.submit(Submission(serviceID: service.id, pages: context.pagesScanned,
                                       identified: context.identity != nil))]
        case .requestHelp:
            let from = cameFrom ?? position
            return [.record(.assistRequest(flow: from.flow, step: from.step))]
        default:
            return []
        }
    }

    /// The number an option key stands for, 1…9.
    func digit(_ key: Key) -> Int? {
        guard case .text(let text) = key, text.count == 1, let value = Int(text), value >= 1 else { return nil }
        return value
    }

    private var isConfirmKey: (Key) -> Bool { { $0 == .enter || $0 == .text("1") } }

    mutating func handleStepKey(_ key: Key) -> [SessionAction] {
        guard let current = currentStep else { return [] }
        if step.passport != nil { return passportKey(key) }
        if step.keypad != nil { return keypadKey(key) }
        switch current.kind {
        case .menu:
            guard let number = digit(key), number <= current.options.count else { return [] }
            let option = current.options[number - 1]
            if let role = missingRole(for: option.target) {
                step.notice = content.texts(.commonUnavailableShort, language, ["reason": reasonText(role)])
                return []
            }
            return go(option.target)
        case .identify:
            return identifyKey(key)
        case .choosePickup:
            return chooseFromList(key, count: context.pickups.count) { session, index in
                session.context.chosenPickup = session.context.pickups[index]
                return session.finish(.chosen)
            }
        case .chooseService:
            return chooseFromList(key, count: content.services.count) { session, index in
                session.context.service = session.content.services[index]
                session.context.pagesScanned = 0
                return session.finish(.chosen)
            }
        case .confirm, .message:
            guard isConfirmKey(key) else { return [] }
            return finish(current.kind == .confirm ? .confirmed : .continue)
        case .offerReceipt:
            if step.phase == .failed { return isConfirmKey(key) ? finish(.done) : [] }
            if key == .text("1") {
                step.phase = .waiting
                return [.printReceipt(receipt())]
            }
            return key == .text("2") ? finish(.done) : []
        case .rate:
            return rateKey(key)
        case .queryProgress:
            if step.phase == .shown { return isConfirmKey(key) ? finish(.done) : [] }
            if key == .text("1") {
                step.keypad = ""
                step.notice = nil
            }
            return []
        case .checklist:
            let options = checklistOptions()
            guard let number = digit(key), number <= options.count else { return [] }
            return finish(options[number - 1])
        case .scanDocuments:
            if key == .text("1") && isUsable(.documentScanner) {
                step.phase = .waiting
                step.notice = nil
                return [.scanDocuments]
            }
            return key == .text("2") || key == .enter ? finish(.done) : []
        case .submit, .requestHelp:
            return isConfirmKey(key) && step.phase != .waiting ? finish(.done) : []
        case .findPickups, .printCertificate:
            return []
        }
    }

    private mutating func chooseFromList(_ key: Key, count: Int,
                                         choose: (inout Session, Int) -> [SessionAction]) -> [SessionAction] {
        let pages = max(1, (count + Self.listPageSize - 1) / Self.listPageSize)
        if key == .text("9") && pages > 1 {
            step.page = (step.page + 1) % pages
            return []
        }
        guard let number = digit(key), number <= Self.listPageSize else { return [] }
        let index = step.page * Self.listPageSize + number - 1
        guard index < count else { return [] }
        return choose(&self, index)
    }

    private mutating func rateKey(_ key: Key) -> [SessionAction] {
        switch step.phase {
        case .reason:
            guard let number = digit(key), number <= Self.ratingReasons.count, let level = step.ratingLevel else { return [] }
            step.phase = .thanks
            return [.record(.rating(flow: ratedFlow, level: level, reason: Self.ratingReasons[number - 1].name))]
        case .thanks:
            return isConfirmKey(key) ? finish(.done) : []
        default:
            guard let level = digit(key), level <= Self.ratingLevels else { return [] }
            step.ratingLevel = level
            if level >= Self.firstUnhappyLevel {
                step.phase = .reason
                return []
            }
            step.phase = .thanks
            return [.record(.rating(flow: ratedFlow, level: level, reason: nil))]
        }
    }

    var ratedFlow: String { context.subjectFlow ?? position.flow }

    /// The on-screen keypad: digits for pickup codes; letters too for application numbers.
    private mutating func keypadKey(_ key: Key) -> [SessionAction] {
        let value = step.keypad ?? ""
        let forResult = currentStep?.kind == .queryProgress
        switch key {
        case .backspace:
            step.keypad = String(value.dropLast())
        case .enter:
            let typed = try? content.codes.classify(Array(value.utf8))
            let code = forResult ? typed?.value(for: .resultCode) : typed?.value(for: .pickupCode)
            guard let code else {
                step.notice = content.texts(forResult ? .progressBadCode : .identifyBadCode, language)
                return []
            }
            step.keypad = nil
            return acceptCode(code)
        case .text(let text) where text.count == 1:
            let character = Character(text)
            let allowed = character.isASCIIDigit || (forResult && (character.isASCIILetter || character == "-"))
            if allowed && value.count < (forResult ? 64 : 12) { step.keypad = value + text.uppercased() }
        default:
            break
        }
        return []
    }

    /// A code scanned on the home screen starts what it is for: a pickup code the collection, a
    /// result code or link the progress query. Anything else is told plainly.
    private mutating func routeScannedCode(_ bytes: [UInt8]) -> [SessionAction] {
        guard let scanned = try? content.codes.classify(bytes) else {
            step.notice = content.texts(.homeUnknownCode, language)
            return []
        }
        // A passport's MRZ: the collection, read with the key the MRZ gives.
        if scanned.value(for: .mrz) != nil,
           let flowID = flowStarting(with: .identify, where: { $0.accepts.contains(.passport) }) {
            return startFlow(flowID, pushingReturn: false) + identifyScanned(bytes)
        }
        let routes: [(CodeKind, StepKind)] = [(.pickupCode, .identify), (.resultURL, .queryProgress), (.resultCode, .queryProgress)]
        for (kind, stepKind) in routes {
            guard let code = scanned.value(for: kind), let flowID = flowStarting(with: stepKind) else { continue }
            let actions = startFlow(flowID, pushingReturn: false)
            return actions + acceptCode(code)
        }
        step.notice = content.texts(.homeUnknownCode, language)
        return []
    }

    /// The flow a scanned code starts: the first, by id, whose first step is of `kind` (and
    /// passes `check`) and whose devices are ready. Flows are data: the code names no flow.
    private func flowStarting(with kind: StepKind, where check: (FlowStep) -> Bool = { _ in true }) -> String? {
        content.flows.keys.sorted().first { id in
            guard let flow = content.flows[id], let start = flow.steps[flow.start] else { return false }
            return start.kind == kind && check(start) && missingRole(for: id) == nil
        }
    }

    mutating func acceptCode(_ code: String) -> [SessionAction] {
        step.notice = nil
        if currentStep?.kind == .queryProgress {
            step.phase = .waiting
            return [.lookupResult(code: code)]
        }
        context.pickupCode = code
        return finish(.identified)
    }

    mutating func handleStepEvent(_ event: SessionEvent) -> [SessionAction] {
        guard let current = currentStep else { return [] }
        switch (current.kind, event) {
        case (.identify, .identityPresented(let identity)) where current.accepts.contains(.identityDocument):
            context.identity = identity
            return finish(.identified)
        case (.identify, .identityReadFailed):
            step.notice = content.texts(.identifyReadFailed, language)
            return []
        case (.identify, .codeScanned(let bytes)) where current.accepts.contains(.pickupCode) || current.accepts.contains(.passport):
            return identifyScanned(bytes)
        case (.identify, .documentRead(let result)) where step.phase == .waiting:
            return passportRead(result)
        case (.queryProgress, .codeScanned(let bytes)) where step.phase != .waiting:
            let scanned = try? content.codes.classify(bytes)
            guard let code = scanned?.value(for: .resultURL) ?? scanned?.value(for: .resultCode) else {
                step.notice = content.texts(.progressBadCode, language)
                return []
            }
            step.keypad = nil
            return acceptCode(code)
        case (.menu, .codeScanned(let bytes)) where position.flow == KioskContent.homeFlow:
            return routeScannedCode(bytes)
        case (.queryProgress, .resultFound(let result)) where step.phase == .waiting:
            context.result = result
            step.phase = .shown
            return []
        case (.findPickups, .pickupsFound(let pickups)):
            context.pickups = pickups
            return finish(pickups.isEmpty ? .none : .found)
        case (.printCertificate, .printFinished(let outcome)):
            guard let pickup = context.chosenPickup else { return finish(.failed) }
            switch outcome {
            case .completed:
                return [.recordCollection(pickup, flow: position.flow)] + finish(.completed)
            case .failed(let error):
                // The certificate did not come out: the pickup stays uncollected for a reprint.
                let alert = OperatorAlert(code: "print-failed",
                                          detail: "certificate for pickup \(pickup.id) not printed: \(error.code), action: \(error.action.rawValue)")
                return [.alertOperator(alert)] + finish(.failed)
            }
        case (.offerReceipt, .printFinished(let outcome)) where step.phase == .waiting:
            if outcome == .completed { return finish(.done) }
            step.phase = .failed
            return []
        case (.scanDocuments, .documentsScanned(let result)) where step.phase == .waiting:
            step.phase = .main
            switch result {
            case .success(let pages): context.pagesScanned += pages
            case .failure: step.notice = content.texts(.scanFailed, language)
            }
            return []
        case (.submit, .submitted(let reference)):
            context.reference = reference
            step.phase = .shown
            return []
        default:
            return []
        }
    }

    /// The choices a checklist offers, in order: scanning only when the service has scannable
    /// materials, the flow allows it and the scanner works.
    func checklistOptions() -> [Outcome] {
        var options: [Outcome] = []
        if context.service?.hasScannableMaterials == true, currentStep?.target(.scan) != nil, isUsable(.documentScanner) {
            options.append(.scan)
        }
        options.append(.submit)
        return options
    }

    /// A receipt for what this visit did, in both languages.
    func receipt() -> Receipt {
        let texts = content.texts
        func both(_ key: TextKey, _ arguments: [String: String] = [:]) -> Localized {
            Localized(zhHans: texts(key, .zhHans, arguments), en: texts(key, .en, arguments))
        }
        var lines: [Localized] = []
        if let pickup = context.chosenPickup {
            lines.append(pickup.title)
            lines.append(pickup.department)
            return Receipt(title: both(.receiptCollectionTitle), lines: lines, reference: pickup.id)
        }
        if let service = context.service {
            lines.append(service.name)
            lines.append(both(.receiptPages, ["count": String(context.pagesScanned)]))
            lines.append(service.nextStep)
        }
        return Receipt(title: both(.receiptSubmissionTitle), lines: lines, reference: context.reference)
    }

    func reasonText(_ role: DeviceRole) -> String {
        content.texts(.deviceReason(health[role]?.reason?.rawValue), language)
    }
}

extension Character {
    /// The keypad's keys: ASCII digits, and letters for application numbers.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
