import DeviceKit
import Foundation

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
                          title: languages.map { t("maintenance.title", $0) }.joined(separator: " · "),
                          paragraphs: languages.flatMap { language in
                              [Paragraph(t("maintenance.body", language), style: .emphasis), Paragraph(t("maintenance.hotline", language))]
                          },
                          commands: [Command(key: .function(2), keyLabel: "F2", label: t("common.switchLanguage", lang))],
                          statusLine: statusLine())
        }
        if let name = remote.consentAskedBy { return consentScreen(operator: name) }
        var screen = Screen(language: lang, title: t(currentStep?.title ?? flow?.title ?? "home.title", lang))
        screen.commands = commands()
        screen.statusLine = statusLine()
        if let name = remote.controlledBy {
            screen.notices.append(Paragraph(t("remote.banner", lang, ["name": name]), style: .emphasis))
        }
        if let name = remote.identityCheckBy {
            screen.notices.append(Paragraph(t("remote.identityCheck", lang, ["name": name]), style: .emphasis))
        }
        if let countdown {
            screen.notices.append(Paragraph(t("common.idle", lang, ["seconds": String(countdown)]), style: .warning))
        }
        screen.sidePanel = chatPanel()
        guard let current = currentStep else { return screen }
        describe(current, into: &screen)
        if let notice = step.notice { screen.notices.append(Paragraph(notice, style: .warning)) }
        return screen
    }

    /// The question an operator's takeover request puts to the citizen, in place of the step.
    private func consentScreen(operator name: String) -> Screen {
        let t = content.texts
        let lang = language
        return Screen(language: lang, title: t("remote.consent.title", lang),
                      paragraphs: [Paragraph(t("remote.consent.body", lang, ["name": name]), style: .emphasis),
                                   Paragraph(t("remote.consent.privacy", lang))],
                      options: [option(1, t("remote.consent.allow", lang)), option(2, t("remote.consent.decline", lang))],
                      commands: [Command(key: .function(2), keyLabel: "F2", label: t("common.switchLanguage", lang))],
                      statusLine: statusLine())
    }

    private func chatPanel() -> SidePanel? {
        guard showsChatPanel else { return nil }
        let t = content.texts
        let lines = remote.chat.map { entry in
            SidePanel.Line(from: entry.operatorName.map { t("remote.chat.operator", language, ["name": $0]) } ?? t("remote.chat.you", language),
                           text: entry.text, isOwn: entry.operatorName == nil)
        }
        return SidePanel(title: t("remote.chat.title", language), lines: lines, draft: remote.draft,
                         hint: t(remote.draft == nil ? "remote.chat.replyHint" : "remote.chat.sendHint", language))
    }

    private func commands() -> [Command] {
        let t = content.texts
        let waiting = step.phase == .waiting || currentStep?.kind.waitsOnDevice == true
        var commands: [Command] = []
        if !waiting && position.flow != KioskContent.helpFlow {
            commands.append(Command(key: .function(1), keyLabel: "F1", label: t("common.help", language)))
        }
        commands.append(Command(key: .function(2), keyLabel: "F2", label: t("common.switchLanguage", language)))
        if remote.controlledBy != nil {
            commands.append(Command(key: Self.endTakeoverKey, keyLabel: "F12", label: t("remote.end", language)))
        }
        if showsChatPanel && remote.draft == nil {
            commands.append(Command(key: Self.replyKey, keyLabel: "F3", label: t("remote.chat.reply", language)))
        }
        if !waiting && !isIdle {
            commands.append(Command(key: .escape, keyLabel: "Esc", label: t(step.keypad != nil ? "common.closeKeypad" : "common.startOver", language)))
        }
        return commands
    }

    private func statusLine() -> String {
        let t = content.texts
        var parts = [t("common.kiosk", language, ["id": settings.kioskID])]
        if online == false { parts.append(t("common.offlineShort", language)) }
        if !settings.statusHint.isEmpty { parts.append(settings.statusHint) }
        return parts.joined(separator: "  ·  ")
    }

    func option(_ number: Int, _ label: String, detail: String? = nil, enabled: Bool = true, personal: Bool = false) -> Option {
        Option(key: .text(String(number)), label: label, detail: detail, isEnabled: enabled, isPersonal: personal)
    }

    private func describe(_ current: Step, into screen: inout Screen) {
        let t = content.texts
        let lang = language
        func say(_ key: String, _ arguments: [String: String] = [:], style: Paragraph.Style = .normal) {
            screen.paragraphs.append(Paragraph(t(key, lang, arguments), style: style))
        }
        if let text = current.text, current.kind != .rate { say(text, style: current.tone) }
        switch current.kind {
        case .menu:
            for (index, item) in current.options.enumerated() {
                let missing = missingRole(for: item.target)
                var detail: String?
                if let missing {
                    let reason = reasonText(missing)
                    detail = t("common.unavailableShort", lang, ["reason": reason])
                    let name = t(item.label, lang)
                    screen.notices.append(Paragraph(t("common.unavailable", lang, ["service": name, "reason": reason]), style: .warning))
                }
                screen.options.append(option(index + 1, t(item.label, lang), detail: detail, enabled: missing == nil))
            }
            if online == false { screen.notices.append(Paragraph(t("common.offline", lang), style: .muted)) }
        case .identify:
            describeIdentify(current, into: &screen)
        case .findPickups:
            say("pickups.searching", style: .muted)
        case .choosePickup:
            if let identity = context.identity {
                screen.paragraphs.append(Paragraph(t("pickups.hello", lang, ["name": identity.maskedName]), isPersonal: true))
            }
            say("pickups.choose", ["count": String(context.pickups.count)])
            listOptions(context.pickups.map { ($0.title[lang], $0.department[lang]) }, into: &screen)
        case .printCertificate:
            let title = context.chosenPickup?.title[lang] ?? ""
            say("print.printing", ["title": title], style: .emphasis)
            say("print.wait", style: .muted)
        case .confirm, .message:
            screen.options.append(option(1, t(current.kind == .confirm ? "common.confirm" : "common.continue", lang)))
        case .offerReceipt:
            switch step.phase {
            case .waiting: say("receipt.printing", style: .muted)
            case .failed:
                say("receipt.failed", style: .warning)
                screen.options.append(option(1, t("common.continue", lang)))
            default:
                say("receipt.offer")
                screen.options.append(option(1, t("receipt.yes", lang)))
                screen.options.append(option(2, t("receipt.no", lang)))
            }
        case .rate:
            describeRating(into: &screen)
        case .queryProgress:
            describeProgress(into: &screen)
        case .chooseService:
            say("services.choose")
            listOptions(content.services.map { ($0.name[lang], $0.department[lang]) }, into: &screen)
        case .checklist:
            describeChecklist(into: &screen)
        case .scanDocuments:
            if step.phase == .waiting {
                say("scan.scanning", style: .muted)
            } else {
                say("scan.prompt")
                if context.pagesScanned > 0 { say("scan.count", ["count": String(context.pagesScanned)], style: .success) }
                let scannerOK = isUsable(.documentScanner)
                screen.options.append(option(1, t("scan.start", lang), detail: scannerOK ? nil : t("scan.unavailable", lang), enabled: scannerOK))
                screen.options.append(option(2, t("scan.done", lang)))
            }
        case .submit:
            if let reference = context.reference {
                say("submit.done", style: .success)
                screen.paragraphs.append(Paragraph(t("submit.reference", lang, ["reference": reference]), style: .emphasis))
                say("submit.keep")
                if let service = context.service { screen.paragraphs.append(Paragraph(service.nextStep[lang])) }
                screen.options.append(option(1, t("common.continue", lang)))
            } else {
                say("submit.sending", style: .muted)
            }
        case .requestHelp:
            say("help.sent", style: .emphasis)
            if remote.helpReachedOperators == true { say("remote.helpOnline") }
            say("help.hotline")
            screen.options.append(option(1, t("help.back", lang)))
        }
    }

    private func listOptions(_ items: [(String, String)], into screen: inout Screen) {
        let start = step.page * Self.listPageSize
        let page = items.dropFirst(start).prefix(Self.listPageSize)
        for (offset, item) in page.enumerated() {
            screen.options.append(option(offset + 1, item.0, detail: item.1))
        }
        if items.count > Self.listPageSize {
            screen.options.append(option(9, content.texts("common.morePages", language)))
        }
    }

    private func describeRating(into screen: inout Screen) {
        let t = content.texts
        let lang = language
        switch step.phase {
        case .reason:
            screen.paragraphs.append(Paragraph(t("rate.reasonPrompt", lang)))
            for (index, reason) in Self.ratingReasons.enumerated() {
                screen.options.append(option(index + 1, t("rate.reason.\(reason)", lang)))
            }
        case .thanks:
            screen.paragraphs.append(Paragraph(t("rate.thanks", lang), style: .success))
            if let level = step.ratingLevel, level >= Self.firstUnhappyLevel {
                screen.paragraphs.append(Paragraph(t("rate.followUp", lang)))
            }
            screen.options.append(option(1, t("common.finish", lang)))
        default:
            screen.paragraphs.append(Paragraph(t(currentStep?.text ?? "rate.prompt", lang)))
            for level in 1...Self.ratingLevels {
                screen.options.append(option(level, t("rate.level.\(level)", lang)))
            }
        }
    }

    private func describeProgress(into screen: inout Screen) {
        let t = content.texts
        let lang = language
        switch step.phase {
        case .waiting:
            screen.paragraphs.append(Paragraph(t("progress.searching", lang), style: .muted))
        case .shown:
            if let result = context.result {
                screen.paragraphs.append(Paragraph(result.title[lang], style: .emphasis))
                screen.paragraphs.append(Paragraph(t("progress.status", lang, [
                    "code": result.code, "status": t("progress.state.\(result.status)", lang),
                ])))
                let date = result.updatedAt.formatted(.iso8601.year().month().day())
                screen.paragraphs.append(Paragraph(t("progress.updated", lang, ["date": date]), style: .muted))
            } else {
                screen.paragraphs.append(Paragraph(t(online == true ? "progress.notFound" : "progress.unknownOffline", lang)))
            }
            screen.options.append(option(1, t("common.finish", lang)))
        default:
            if let value = step.keypad {
                screen.field = InputField(label: t("progress.keypadLabel", lang), value: value,
                                          placeholder: t("progress.keypadPlaceholder", lang), maxLength: 64)
                screen.paragraphs.append(Paragraph(t("common.keypadHint", lang), style: .muted))
            } else {
                screen.paragraphs.append(Paragraph(t("progress.prompt", lang), style: .emphasis))
                screen.options.append(option(1, t("progress.typeCode", lang)))
            }
        }
    }

    private func describeChecklist(into screen: inout Screen) {
        let t = content.texts
        let lang = language
        guard let service = context.service else { return }
        screen.title = service.name[lang]
        screen.paragraphs.append(Paragraph(t("checklist.materials", lang), style: .emphasis))
        for (index, material) in service.materials.enumerated() {
            var line = "\(index + 1). \(material.name[lang])"
            if material.copies > 1 { line += " " + t("checklist.copies", lang, ["count": String(material.copies)]) }
            if material.scannable { line += " " + t("checklist.scannable", lang) }
            screen.paragraphs.append(Paragraph(line))
        }
        screen.paragraphs.append(Paragraph(t("checklist.fees", lang, ["fees": service.fees[lang]])))
        screen.paragraphs.append(Paragraph(t("checklist.timeLimit", lang, ["limit": service.timeLimit[lang]])))
        for (index, outcome) in checklistOptions().enumerated() {
            screen.options.append(option(index + 1, t(outcome == .scan ? "checklist.scan" : "checklist.submit", lang)))
        }
    }
}
