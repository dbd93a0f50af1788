/// Every text the code itself shows, by its key in `Kiosk/locales/*.yaml`. The code names a built-in
/// text only through this type, so a key the code needs cannot be left out of the check:
/// ``KioskContent/load(from:displayDirectory:)`` reports each of `allCases` missing from a locale
/// file, and `kioskd check-config` fails before a citizen sees a raw key. Texts a flow file names
/// (a flow's title, a step's text, an option's label) stay strings; the loader checks those against
/// the flows.
public enum TextKey: String, CaseIterable, Sendable {
    // On every screen, or on several kinds of step.
    case commonHelp = "common.help"
    case commonSwitchLanguage = "common.switchLanguage"
    case commonStartOver = "common.startOver"
    case commonCloseKeypad = "common.closeKeypad"
    case commonKiosk = "common.kiosk"
    case commonOffline = "common.offline"
    case commonOfflineShort = "common.offlineShort"
    case commonIdle = "common.idle"
    case commonUnavailable = "common.unavailable"
    case commonUnavailableShort = "common.unavailableShort"
    case commonContinue = "common.continue"
    case commonConfirm = "common.confirm"
    case commonFinish = "common.finish"
    case commonMorePages = "common.morePages"
    case commonKeypadHint = "common.keypadHint"
    case commonKeypadErase = "common.keypadErase"
    case commonKeypadConfirm = "common.keypadConfirm"

    // Why a flow is unavailable, by the device's health reason (`TextKey.deviceReason(_:)`).
    case deviceReasonUnknown = "device.reason.unknown"
    case deviceReasonMediaEmpty = "device.reason.media-empty"
    case deviceReasonMediaLow = "device.reason.media-low"
    case deviceReasonMediaJam = "device.reason.media-jam"
    case deviceReasonOffline = "device.reason.offline"
    case deviceReasonDisconnected = "device.reason.disconnected"

    // The home screen.
    case homeTitle = "home.title"
    case homeUnknownCode = "home.unknownCode"

    // The identify step: ID card, pickup code, passport.
    case identifyCard = "identify.card"
    case identifyCode = "identify.code"
    case identifyTypeCode = "identify.typeCode"
    case identifyKeypadLabel = "identify.keypadLabel"
    case identifyKeypadPlaceholder = "identify.keypadPlaceholder"
    case identifyReadFailed = "identify.readFailed"
    case identifyBadCode = "identify.badCode"
    case identifyPassportPrompt = "identify.passport.prompt"
    case identifyPassportType = "identify.passport.type"
    case identifyPassportNumberLabel = "identify.passport.numberLabel"
    case identifyPassportNumberPlaceholder = "identify.passport.numberPlaceholder"
    case identifyPassportBirthLabel = "identify.passport.birthLabel"
    case identifyPassportBirthPlaceholder = "identify.passport.birthPlaceholder"
    case identifyPassportExpiryLabel = "identify.passport.expiryLabel"
    case identifyPassportExpiryPlaceholder = "identify.passport.expiryPlaceholder"
    case identifyPassportFieldStep = "identify.passport.fieldStep"
    case identifyPassportTypedNumber = "identify.passport.typedNumber"
    case identifyPassportTypedBirth = "identify.passport.typedBirth"
    case identifyPassportBadNumber = "identify.passport.badNumber"
    case identifyPassportBadBirthDate = "identify.passport.badBirthDate"
    case identifyPassportBadExpiryDate = "identify.passport.badExpiryDate"
    case identifyPassportBadMRZ = "identify.passport.badMRZ"
    case identifyPassportReading = "identify.passport.reading"
    case identifyPassportAccessDenied = "identify.passport.accessDenied"
    case identifyPassportNoDocument = "identify.passport.noDocument"
    case identifyPassportCardRemoved = "identify.passport.cardRemoved"
    case identifyPassportReadFailed = "identify.passport.readFailed"
    case identifyPassportReaderOffline = "identify.passport.readerOffline"
    case identifyPassportCannotRead = "identify.passport.cannotRead"
    case identifyPassportRetry = "identify.passport.retry"
    case identifyPassportRetype = "identify.passport.retype"

    // Finding and choosing what is ready to collect.
    case pickupsSearching = "pickups.searching"
    case pickupsHello = "pickups.hello"
    case pickupsChoose = "pickups.choose"

    // Printing a certificate.
    case printPrinting = "print.printing"
    case printWait = "print.wait"

    // The receipt offered at the end of a visit, and what is printed on it.
    case receiptOffer = "receipt.offer"
    case receiptYes = "receipt.yes"
    case receiptNo = "receipt.no"
    case receiptPrinting = "receipt.printing"
    case receiptFailed = "receipt.failed"
    case receiptCollectionTitle = "receipt.collectionTitle"
    case receiptSubmissionTitle = "receipt.submissionTitle"
    case receiptPages = "receipt.pages"

    // The five-level rating (好差评) and the reasons for a low one.
    case ratePrompt = "rate.prompt"
    case rateReasonPrompt = "rate.reasonPrompt"
    case rateThanks = "rate.thanks"
    case rateFollowUp = "rate.followUp"
    case rateLevel1 = "rate.level.1"
    case rateLevel2 = "rate.level.2"
    case rateLevel3 = "rate.level.3"
    case rateLevel4 = "rate.level.4"
    case rateLevel5 = "rate.level.5"
    case rateReasonWaiting = "rate.reason.waiting"
    case rateReasonDevice = "rate.reason.device"
    case rateReasonGuidance = "rate.reason.guidance"
    case rateReasonResult = "rate.reason.result"
    case rateReasonOther = "rate.reason.other"

    // Checking progress by code, and the result statuses the kiosk knows (`TextKey.progressState(_:)`).
    case progressPrompt = "progress.prompt"
    case progressTypeCode = "progress.typeCode"
    case progressKeypadLabel = "progress.keypadLabel"
    case progressKeypadPlaceholder = "progress.keypadPlaceholder"
    case progressBadCode = "progress.badCode"
    case progressSearching = "progress.searching"
    case progressStatus = "progress.status"
    case progressUpdated = "progress.updated"
    case progressNotFound = "progress.notFound"
    case progressUnknownOffline = "progress.unknownOffline"
    case progressStateAccepted = "progress.state.accepted"
    case progressStateInReview = "progress.state.in-review"
    case progressStateApproved = "progress.state.approved"
    case progressStateReadyForPickup = "progress.state.ready-for-pickup"
    case progressStateRejected = "progress.state.rejected"
    case progressStateCollected = "progress.state.collected"

    // The service guide.
    case servicesChoose = "services.choose"

    // A service's checklist.
    case checklistMaterials = "checklist.materials"
    case checklistCopies = "checklist.copies"
    case checklistScannable = "checklist.scannable"
    case checklistFees = "checklist.fees"
    case checklistTimeLimit = "checklist.timeLimit"
    case checklistScan = "checklist.scan"
    case checklistSubmit = "checklist.submit"

    // Scanning documents.
    case scanPrompt = "scan.prompt"
    case scanCount = "scan.count"
    case scanStart = "scan.start"
    case scanDone = "scan.done"
    case scanScanning = "scan.scanning"
    case scanFailed = "scan.failed"
    case scanUnavailable = "scan.unavailable"

    // Submitting an application.
    case submitSending = "submit.sending"
    case submitDone = "submit.done"
    case submitReference = "submit.reference"
    case submitKeep = "submit.keep"

    // The Help request.
    case helpSent = "help.sent"
    case helpHotline = "help.hotline"
    case helpBack = "help.back"

    // The out-of-service screen, shown in both languages at once.
    case maintenanceTitle = "maintenance.title"
    case maintenanceBody = "maintenance.body"
    case maintenanceHotline = "maintenance.hotline"

    // The remote window: the consent prompt, the banner, the identity check and the chat panel.
    case remoteConsentTitle = "remote.consent.title"
    case remoteConsentBody = "remote.consent.body"
    case remoteConsentPrivacy = "remote.consent.privacy"
    case remoteConsentAllow = "remote.consent.allow"
    case remoteConsentDecline = "remote.consent.decline"
    case remoteBanner = "remote.banner"
    case remoteEnd = "remote.end"
    case remoteIdentityCheck = "remote.identityCheck"
    case remoteHelpOnline = "remote.helpOnline"
    case remoteChatTitle = "remote.chat.title"
    case remoteChatOperator = "remote.chat.operator"
    case remoteChatYou = "remote.chat.you"
    case remoteChatReply = "remote.chat.reply"
    case remoteChatReplyHint = "remote.chat.replyHint"
    case remoteChatSendHint = "remote.chat.sendHint"
    case remoteChatCancel = "remote.chat.cancel"
    case remoteChatQuickOK = "remote.chat.quick.ok"
    case remoteChatQuickAgain = "remote.chat.quick.again"
    case remoteChatQuickWait = "remote.chat.quick.wait"
    case remoteChatQuickComeOver = "remote.chat.quick.comeOver"
}

extension TextKey {
    /// The text for a device's health reason (`DeviceHealth.reason`); a reason without a text of its
    /// own is told as ``deviceReasonUnknown``.
    static func deviceReason(_ reason: String?) -> TextKey {
        switch reason {
        case "media-empty": .deviceReasonMediaEmpty
        case "media-low": .deviceReasonMediaLow
        case "media-jam": .deviceReasonMediaJam
        case "offline": .deviceReasonOffline
        case "disconnected": .deviceReasonDisconnected
        default: .deviceReasonUnknown
        }
    }

    /// The text for a result's status (`ResultSummary.status`); nil for a status the platform added
    /// after this kiosk was built, which is then shown as the platform names it.
    static func progressState(_ status: String) -> TextKey? {
        switch status {
        case "accepted": .progressStateAccepted
        case "in-review": .progressStateInReview
        case "approved": .progressStateApproved
        case "ready-for-pickup": .progressStateReadyForPickup
        case "rejected": .progressStateRejected
        case "collected": .progressStateCollected
        default: nil
        }
    }
}
