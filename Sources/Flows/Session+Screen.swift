import DeviceKit
import Foundation
import ScreenModel

/// The screen each step shows: words from the locale files, data from the session, nothing drawn.
extension Session {
    public func screen() -> Screen {
        let t = content.texts
        let lang = language
        if showsOutOfService {
            // Anyone passing should understand it without pressing a key: both languages at once,
            // the citizen's chosen one first.
            let languages = [lang, lang.other]
            return Screen(language: lang,
                          title: languages.map { t(.maintenanceTitle, $0) }.joined(separator: " · "),
                          paragraphs: languages.flatMap { language in
                              [Screen.Paragraph(t(.maintenanceBody, language), style: .emphasis), Screen.Paragraph(t(.maintenanceHotline, language))]
                          },
                          commands: [Screen.Command(key: .function(2), keyLabel: "F2", label: t(.commonSwitchLanguage, lang))],
                          statusLine: statusLine())
        }
        if let name = remote.consentAskedBy { return consentScreen(operator: name) }
        let title = (currentStep?.title ?? flow?.title).map { t(flowKey: $0, lang) } ?? t(.homeTitle, lang)
        var screen = Screen(language: lang, title: title)
        screen.commands = commands()
        screen.statusLine = statusLine()
        if let name = remote.controlledBy {
            screen.notices.append(Screen.Paragraph(t(.remoteBanner, lang, ["name": name]), style: .emphasis))
        }
        if let name = remote.identityCheckBy {
            screen.notices.append(Screen.Paragraph(t(.remoteIdentityCheck, lang, ["name": name]), style: .emphasis))
        }
        if let countdown {
            screen.notices.append(Screen.Paragraph(t(.commonIdle, lang, ["seconds": String(countdown)]), style: .warning))
        }
        screen.sidePanel = chatPanel()
        guard let current = currentStep else { return screen }
        describe(current, into: &screen)
        if let notice = step.notice { screen.notices.append(Screen.Paragraph(notice, style: .warning)) }
        if remote.draft != nil {
            // Keys go to the reply while it is open: its ready answers stand in for the step's buttons.
            screen.keypad = nil
            screen.options = Self.quickReplies.map { quick in
                Screen.Option(key: quick.key, label: t(quick.text, lang))
            }
        }
        return screen
    }

    /// The question an operator's takeover request puts to the citizen, in place of the step.
    private func consentScreen(operator name: String) -> Screen {
        let t = content.texts
        let lang = language
        return Screen(language: lang, title: t(.remoteConsentTitle, lang),
                      paragraphs: [Screen.Paragraph(t(.remoteConsentBody, lang, ["name": name]), style: .emphasis),
                                   Screen.Paragraph(t(.remoteConsentPrivacy, lang))],
                      options: [option(1, t(.remoteConsentAllow, lang)), option(2, t(.remoteConsentDecline, lang))],
                      commands: [Screen.Command(key: .function(2), keyLabel: "F2", label: t(.commonSwitchLanguage, lang))],
                      statusLine: statusLine())
    }

    private func chatPanel() -> SidePanel? {
        guard showsChatPanel else { return nil }
        let t = content.texts
        let lines = remote.chat.map { entry in
            SidePanel.Line(from: entry.operatorName.map { t(.remoteChatOperator, language, ["name": $0]) } ?? t(.remoteChatYou, language),
                           text: entry.text, isOwn: entry.operatorName == nil)
        }
        return SidePanel(title: t(.remoteChatTitle, language), lines: lines, draft: remote.draft,
                         hint: t(remote.draft == nil ? .remoteChatReplyHint : .remoteChatSendHint, language))
    }

    private func commands() -> [Screen.Command] {
        let t = content.texts
        let waiting = step.phase == .waiting || currentStep?.kind.waitsOnDevice == true
        var commands: [Screen.Command] = []
        if !waiting && position.flow != KioskContent.helpFlow {
            commands.append(Screen.Command(key: .function(1), keyLabel: "F1", label: t(.commonHelp, language)))
        }
        commands.append(Screen.Command(key: .function(2), keyLabel: "F2", label: t(.commonSwitchLanguage, language)))
        if remote.controlledBy != nil {
            commands.append(Screen.Command(key: Self.endTakeoverKey, keyLabel: "F12", label: t(.remoteEnd, language)))
        }
        if showsChatPanel && remote.draft == nil {
            commands.append(Screen.Command(key: Self.replyKey, keyLabel: "F3", label: t(.remoteChatReply, language)))
        }
        if remote.draft != nil {
            commands.append(Screen.Command(key: .escape, keyLabel: "Esc", label: t(.remoteChatCancel, language)))
        } else if !waiting && !isIdle {
            commands.append(Screen.Command(key: .escape, keyLabel: "Esc", label: t(step.keypad != nil ? .commonCloseKeypad : .commonStartOver, language)))
        }
        return commands
    }

    private func statusLine() -> String {
        let t = content.texts
        var parts = [t(.commonKiosk, language, ["id": settings.kioskID])]
        if online == false { parts.append(t(.commonOfflineShort, language)) }
        if !settings.statusHint.isEmpty { parts.append(settings.statusHint) }
        return parts.joined(separator: "  ·  ")
    }

    /// The on-screen keys for a field, labelled in the citizen's language.
    func keypad(_ layout: Screen.Keypad.Layout, extraCharacters: [String] = []) -> Screen.Keypad {
        Screen.Keypad(layout: layout, eraseLabel: content.texts(.commonKeypadErase, language),
                      confirmLabel: content.texts(.commonKeypadConfirm, language), extraCharacters: extraCharacters)
    }

    func option(_ number: Int, _ label: String, detail: String? = nil, enabled: Bool = true, personal: Bool = false) -> Screen.Option {
        Screen.Option(key: .text(String(number)), label: label, detail: detail, isEnabled: enabled, isPersonal: personal)
    }

    private func describe(_ current: FlowStep, into screen: inout Screen) {
        let t = content.texts
        let lang = language
        func say(_ key: TextKey, _ arguments: [String: String] = [:], style: Screen.Paragraph.Style = .normal) {
            screen.paragraphs.append(Screen.Paragraph(t(key, lang, arguments), style: style))
        }
        if let text = current.text, current.kind != .rate { screen.paragraphs.append(Screen.Paragraph(t(flowKey: text, lang), style: current.tone)) }
        switch current.kind {
        case .menu:
            for (index, item) in current.options.enumerated() {
                let missing = missingRole(for: item.target)
                var detail: String?
                if let missing {
                    let reason = reasonText(missing)
                    detail = t(.commonUnavailableShort, lang, ["reason": reason])
                    let name = t(flowKey: item.label, lang)
                    screen.notices.append(Screen.Paragraph(t(.commonUnavailable, lang, ["service": name, "reason": reason]), style: .warning))
                }
                screen.options.append(option(index + 1, t(flowKey: item.label, lang), detail: detail, enabled: missing == nil))
            }
            if online == false { screen.notices.append(Screen.Paragraph(t(.commonOffline, lang), style: .muted)) }
        case .identify:
            describeIdentify(current, into: &screen)
        case .findPickups:
            say(.pickupsSearching, style: .muted)
        case .choosePickup:
            if let identity = context.identity {
                screen.paragraphs.append(Screen.Paragraph(t(.pickupsHello, lang, ["name": identity.maskedName]), isPersonal: true))
            }
            say(.pickupsChoose, ["count": String(context.pickups.count)])
            listOptions(context.pickups.map { ($0.title[lang], $0.department[lang]) }, into: &screen)
        case .printCertificate:
            let title = context.chosenPickup?.title[lang] ?? ""
            say(.printPrinting, ["title": title], style: .emphasis)
            say(.printWait, style: .muted)
        case .confirm, .message:
            screen.options.append(option(1, t(current.kind == .confirm ? .commonConfirm : .commonContinue, lang)))
        case .offerReceipt:
            switch step.phase {
            case .waiting: say(.receiptPrinting, style: .muted)
            case .failed:
                say(.receiptFailed, style: .warning)
                screen.options.append(option(1, t(.commonContinue, lang)))
            default:
                say(.receiptOffer)
                screen.options.append(option(1, t(.receiptYes, lang)))
                screen.options.append(option(2, t(.receiptNo, lang)))
            }
        case .rate:
            describeRating(into: &screen)
        case .queryProgress:
            describeProgress(into: &screen)
        case .chooseService:
            say(.servicesChoose)
            listOptions(content.services.map { ($0.name[lang], $0.department[lang]) }, into: &screen)
        case .checklist:
            describeChecklist(into: &screen)
        case .scanDocuments:
            if step.phase == .waiting {
                say(.scanScanning, style: .muted)
            } else {
                say(.scanPrompt)
                if context.pagesScanned > 0 { say(.scanCount, ["count": String(context.pagesScanned)], style: .success) }
                let scannerOK = isUsable(.documentScanner)
                screen.options.append(option(1, t(.scanStart, lang), detail: scannerOK ? nil : t(.scanUnavailable, lang), enabled: scannerOK))
                screen.options.append(option(2, t(.scanDone, lang)))
            }
        case .submit:
            if let reference = context.reference {
                say(.submitDone, style: .success)
                screen.paragraphs.append(Screen.Paragraph(t(.submitReference, lang, ["reference": reference]), style: .emphasis))
                say(.submitKeep)
                if let service = context.service { screen.paragraphs.append(Screen.Paragraph(service.nextStep[lang])) }
                screen.options.append(option(1, t(.commonContinue, lang)))
            } else {
                say(.submitSending, style: .muted)
            }
        case .requestHelp:
            say(.helpSent, style: .emphasis)
            if remote.helpReachedOperators == true { say(.remoteHelpOnline) }
            say(.helpHotline)
            screen.options.append(option(1, t(.helpBack, lang)))
        }
    }

    private func listOptions(_ items: [(String, String)], into screen: inout Screen) {
        let start = step.page * Self.listPageSize
        let page = items.dropFirst(start).prefix(Self.listPageSize)
        for (offset, item) in page.enumerated() {
            screen.options.append(option(offset + 1, item.0, detail: item.1))
        }
        if items.count > Self.listPageSize {
            screen.options.append(option(9, content.texts(.commonMorePages, language)))
        }
    }

    private func describeRating(into screen: inout Screen) {
        let t = content.texts
        let lang = language
        switch step.phase {
        case .reason:
            screen.paragraphs.append(Screen.Paragraph(t(.rateReasonPrompt, lang)))
            for (index, reason) in Self.ratingReasons.enumerated() {
                screen.options.append(option(index + 1, t(reason.text, lang)))
            }
        case .thanks:
            screen.paragraphs.append(Screen.Paragraph(t(.rateThanks, lang), style: .success))
            if let level = step.ratingLevel, level >= Self.firstUnhappyLevel {
                screen.paragraphs.append(Screen.Paragraph(t(.rateFollowUp, lang)))
            }
            screen.options.append(option(1, t(.commonFinish, lang)))
        default:
            screen.paragraphs.append(Screen.Paragraph(currentStep?.text.map { t(flowKey: $0, lang) } ?? t(.ratePrompt, lang)))
            for (level, text) in zip(1..., Self.ratingLevelTexts) {
                screen.options.append(option(level, t(text, lang)))
            }
        }
    }

    private func describeProgress(into screen: inout Screen) {
        let t = content.texts
        let lang = language
        switch step.phase {
        case .waiting:
            screen.paragraphs.append(Screen.Paragraph(t(.progressSearching, lang), style: .muted))
        case .shown:
            if let result = context.result {
                screen.paragraphs.append(Screen.Paragraph(result.title[lang], style: .emphasis))
                screen.paragraphs.append(Screen.Paragraph(t(.progressStatus, lang, [
                    "code": result.code, "status": TextKey.progressState(result.status).map { t($0, lang) } ?? result.status,
                ])))
                let date = result.updatedAt.formatted(.iso8601.year().month().day())
                screen.paragraphs.append(Screen.Paragraph(t(.progressUpdated, lang, ["date": date]), style: .muted))
            } else {
                screen.paragraphs.append(Screen.Paragraph(t(online == true ? .progressNotFound : .progressUnknownOffline, lang)))
            }
            screen.options.append(option(1, t(.commonFinish, lang)))
        default:
            if let value = step.keypad {
                screen.field = Screen.InputField(label: t(.progressKeypadLabel, lang), value: value,
                                          placeholder: t(.progressKeypadPlaceholder, lang), maxLength: 64)
                screen.keypad = keypad(.alphanumeric, extraCharacters: ["-"])
                screen.paragraphs.append(Screen.Paragraph(t(.commonKeypadHint, lang), style: .muted))
            } else {
                screen.paragraphs.append(Screen.Paragraph(t(.progressPrompt, lang), style: .emphasis))
                screen.options.append(option(1, t(.progressTypeCode, lang)))
            }
        }
    }

    private func describeChecklist(into screen: inout Screen) {
        let t = content.texts
        let lang = language
        guard let service = context.service else { return }
        screen.title = service.name[lang]
        screen.paragraphs.append(Screen.Paragraph(t(.checklistMaterials, lang), style: .emphasis))
        for (index, material) in service.materials.enumerated() {
            var line = "\(index + 1). \(material.name[lang])"
            if material.copies > 1 { line += " " + t(.checklistCopies, lang, ["count": String(material.copies)]) }
            if material.scannable { line += " " + t(.checklistScannable, lang) }
            screen.paragraphs.append(Screen.Paragraph(line))
        }
        screen.paragraphs.append(Screen.Paragraph(t(.checklistFees, lang, ["fees": service.fees[lang]])))
        screen.paragraphs.append(Screen.Paragraph(t(.checklistTimeLimit, lang, ["limit": service.timeLimit[lang]])))
        for (index, outcome) in checklistOptions().enumerated() {
            screen.options.append(option(index + 1, t(outcome == .scan ? .checklistScan : .checklistSubmit, lang)))
        }
    }
}
