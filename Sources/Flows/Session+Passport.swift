import DeviceKit
import ScreenModel

/// The identify step's choices and the passport path: the citizen types the passport's details on
/// the keypad (or scans its MRZ), the daemon reads the chip with that key (`.readDocument`) and
/// answers `.documentRead`. A read identity is used exactly like a card's.
extension Session {
    /// What the identify step's numbered options open, in order.
    var identifyChoices: [IdentifyMethod] {
        [.pickupCode, .passport].filter { currentStep?.accepts.contains($0) == true }
    }

    /// The option key that opens the passport entry, e.g. `2` beside a pickup code.
    var passportOptionNumber: Int? { identifyChoices.firstIndex(of: .passport).map { $0 + 1 } }

    mutating func identifyKey(_ key: Key) -> [SessionAction] {
        if step.phase == .failed {
            // A read failed; its key is kept so that trying again needs no typing.
            if key == .text("1"), let accessKey = step.accessKey { return readPassport(accessKey) }
            if key == .text("2") { openPassportEntry() }
            return []
        }
        guard let number = digit(key), number <= identifyChoices.count else { return [] }
        switch identifyChoices[number - 1] {
        case .pickupCode:
            step.keypad = ""
            step.notice = nil
        case .passport:
            openPassportEntry()
        case .identityDocument:
            break
        }
        return []
    }

    private mutating func openPassportEntry() {
        step.passport = PassportEntry()
        step.keypad = ""
        step.accessKey = nil
        step.phase = .main
        step.notice = nil
    }

    /// The keypad while the passport's details are typed.
    mutating func passportKey(_ key: Key) -> [SessionAction] {
        guard var entry = step.passport else { return [] }
        let value = step.keypad ?? ""
        switch key {
        case .backspace:
            if value.isEmpty, let previous = entry.back() {
                step.keypad = previous
            } else {
                step.keypad = String(value.dropLast())
            }
        case .enter:
            switch entry.accept(value) {
            case .failure(let problem):
                step.notice = content.texts(problem.text, language)
            case .success(let accessKey?):
                return readPassport(accessKey)
            case .success(nil):
                step.keypad = ""
                step.notice = nil
            }
        case .text(let text) where text.count == 1:
            let character = Character(text)
            if entry.field.allows(character) && value.count < entry.field.maxLength { step.keypad = value + text.uppercased() }
        default:
            break
        }
        step.passport = entry
        return []
    }

    /// Asks the daemon to read the passport with `accessKey` and waits for its answer.
    mutating func readPassport(_ accessKey: DocumentAccessKey) -> [SessionAction] {
        step.passport = nil
        step.keypad = nil
        step.notice = nil
        step.accessKey = accessKey
        step.phase = .waiting
        return [.readDocument(accessKey)]
    }

    /// A code scanned at the identify step: a passport's MRZ or a pickup code, whichever the step
    /// accepts.
    mutating func identifyScanned(_ bytes: [UInt8]) -> [SessionAction] {
        guard step.phase != .waiting, let accepts = currentStep?.accepts else { return [] }
        let scanned = try? content.codes.classify(bytes)
        if accepts.contains(.passport), let mrz = scanned?.value(for: .mrz) {
            guard let accessKey = try? DocumentAccessKey(mrz: mrz) else {
                step.notice = badMRZText
                return []
            }
            return readPassport(accessKey)
        }
        if accepts.contains(.pickupCode), let code = scanned?.value(for: .pickupCode) {
            step.passport = nil
            step.keypad = nil
            return acceptCode(code)
        }
        step.notice = accepts.contains(.pickupCode) ? content.texts(.identifyBadCode, language) : badMRZText
        return []
    }

    private var badMRZText: String {
        content.texts(.identifyPassportBadMRZ, language, ["key": String(passportOptionNumber ?? 1)])
    }

    /// The daemon's answer to `.readDocument`.
    mutating func passportRead(_ result: Result<Identity, DeviceError>) -> [SessionAction] {
        step.phase = .main
        switch result {
        case .success(let identity):
            step.accessKey = nil
            context.identity = identity
            return finish(.identified)
        case .failure(let error):
            switch error.code {
            case .accessDenied:
                // The details are wrong: ask for them again, from the number.
                openPassportEntry()
                step.notice = content.texts(.identifyPassportAccessDenied, language)
            case .noDocument, .cardRemoved, .readFailed:
                // The key may well be right: the passport was missing or moved. Offer to try again.
                step.phase = .failed
                step.notice = content.texts(Self.passportMessages[error.code] ?? .identifyPassportReadFailed, language)
            default:
                step.accessKey = nil
                step.notice = content.texts(error.code == .readerOffline ? .identifyPassportReaderOffline
                                                                           : .identifyPassportCannotRead, language)
            }
            return []
        }
    }

    static let passportMessages: [DeviceErrorCode: TextKey] = [
        .noDocument: .identifyPassportNoDocument,
        .cardRemoved: .identifyPassportCardRemoved,
        .readFailed: .identifyPassportReadFailed,
    ]

    // MARK: Screen

    func describeIdentify(_ current: FlowStep, into screen: inout Screen) {
        let t = content.texts
        let lang = language
        func say(_ key: TextKey, _ arguments: [String: String] = [:], style: Screen.Paragraph.Style = .normal, personal: Bool = false) {
            screen.paragraphs.append(Screen.Paragraph(t(key, lang, arguments), style: style, isPersonal: personal))
        }
        if step.phase == .waiting {
            say(.identifyPassportReading, style: .emphasis)
            return
        }
        if step.phase == .failed {
            screen.options.append(option(1, t(.identifyPassportRetry, lang)))
            screen.options.append(option(2, t(.identifyPassportRetype, lang)))
            return
        }
        if let entry = step.passport {
            // What was typed so far stays readable to the citizen and is masked for an operator.
            if entry.field.rawValue > PassportEntry.Field.documentNumber.rawValue {
                say(.identifyPassportTypedNumber, ["value": entry.documentNumber], personal: true)
            }
            if entry.field == .expiryDate {
                say(.identifyPassportTypedBirth, ["value": entry.birthDate], personal: true)
            }
            let (label, placeholder): (TextKey, TextKey) = switch entry.field {
            case .documentNumber: (.identifyPassportNumberLabel, .identifyPassportNumberPlaceholder)
            case .birthDate: (.identifyPassportBirthLabel, .identifyPassportBirthPlaceholder)
            case .expiryDate: (.identifyPassportExpiryLabel, .identifyPassportExpiryPlaceholder)
            }
            screen.field = Screen.InputField(label: t(label, lang), value: step.keypad ?? "", placeholder: t(placeholder, lang),
                                      maxLength: entry.field.maxLength)
            screen.keypad = keypad(entry.field == .documentNumber ? .alphanumeric : .digits)
            say(.identifyPassportFieldStep, ["number": String(entry.field.rawValue + 1)], style: .muted)
            say(.commonKeypadHint, style: .muted)
            return
        }
        if current.accepts.contains(.pickupCode), let value = step.keypad {
            // Typing a code: the card's prompt would only distract (a card placed now is still read).
            screen.field = Screen.InputField(label: t(.identifyKeypadLabel, lang), value: value,
                                      placeholder: t(.identifyKeypadPlaceholder, lang), maxLength: 12)
            screen.keypad = keypad(.digits)
            say(.commonKeypadHint, style: .muted)
            return
        }
        if current.accepts.contains(.identityDocument) { say(.identifyCard, style: .emphasis) }
        for (index, choice) in identifyChoices.enumerated() {
            switch choice {
            case .pickupCode:
                say(.identifyCode)
                screen.options.append(option(index + 1, t(.identifyTypeCode, lang)))
            case .passport:
                say(.identifyPassportPrompt, ["key": String(index + 1)])
                screen.options.append(option(index + 1, t(.identifyPassportType, lang)))
            case .identityDocument:
                break
            }
        }
    }
}
