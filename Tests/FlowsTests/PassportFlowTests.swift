import DeviceKit
import Flows
import Testing

/// The passport path of the identify step: details typed field by field on the keypad or the MRZ
/// scanned, the chip read by the daemon (`.readDocument`), and every answer it can give.
@Suite struct PassportFlowTests {
    static let passport = SimulatedIdentities.passport
    static let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"

    static func specimenKey() throws -> DocumentAccessKey {
        try DocumentAccessKey(documentNumber: "L898902C3", birthDate: "740812", expiryDate: "120415")
    }

    static func deviceError(_ code: DeviceErrorCode) -> DeviceError {
        DeviceError(code: code, action: code == .readerOffline ? .reset : .retry, detail: "test")
    }

    /// Home → collection → "2" (the passport, after the pickup code).
    static func atPassportEntry() -> Session {
        var session = makeSession()
        session.press(.text("1"))
        session.press(.text("2"))
        return session
    }

    /// Types the three fields, pressing Enter after each, and returns the last Enter's actions.
    @discardableResult
    static func enter(_ number: String, _ birth: String, _ expiry: String, into session: inout Session) -> [SessionAction] {
        session.type(number)
        session.press(.enter)
        session.type(birth)
        session.press(.enter)
        session.type(expiry)
        return session.press(.enter)
    }

    @Test func theIdentifyStepOffersThePassportBesideTheCardAndTheCode() {
        var session = makeSession()
        session.press(.text("1"))
        let screen = session.screen()
        #expect(screen.options.map(\.label) == ["输入取件码", "输入护照信息"])
        #expect(session.screenText.contains("请把护照资料页朝下放在读卡区，然后按 2 输入证件信息"))
        session.press(.function(2))
        #expect(session.screenText.contains("photo page down. Then press 2 to type its details"))
    }

    @Test func keypadEntryFieldByFieldThenTheReadFindsPickupsLikeACard() throws {
        var session = Self.atPassportEntry()
        #expect(session.screen().field?.label == "护照号码")
        #expect(session.screen().field?.maxLength == 9)
        #expect(session.screenText.contains("第 1 步，共 3 步"))
        // Letters are upper-cased; the MRZ filler and anything beyond nine characters is not taken.
        session.type("l898<902c3X")
        #expect(session.screen().field?.value == "L898902C3")
        #expect(session.press(.enter).isEmpty)
        #expect(session.screen().field?.label == "出生日期（年月日各两位）")
        // The number typed stays readable for the citizen, marked personal for an operator.
        let typed = try #require(session.screen().paragraphs.first { $0.text.contains("L898902C3") })
        #expect(typed.isPersonal)
        // Date fields take digits only.
        session.type("74A0812")
        #expect(session.screen().field?.value == "740812")
        session.press(.enter)
        #expect(session.screen().field?.label == "有效期至（年月日各两位）")
        #expect(session.screen().paragraphs.filter(\.isPersonal).map(\.text) == ["护照号码：L898902C3", "出生日期：740812"])
        session.type("120415")
        let key = try Self.specimenKey()
        #expect(session.press(.enter) == [.readDocument(key)])
        #expect(session.screen().field == nil)
        #expect(session.screenText.contains("正在读取护照"))
        // While the chip is read the citizen cannot wander off; the kiosk does not time out.
        #expect(session.press(.escape, .function(1), .text("1")).isEmpty)
        for _ in 0..<120 { _ = session.handle(.tick) }
        #expect(session.position.step == "identify")
        #expect(session.handle(.documentRead(.success(Self.passport))) == [.findPickups(.holder(Self.passport))])
        #expect(session.presentedIdentity == Self.passport)
        #expect(session.handle(.pickupsFound([licence, permit])).isEmpty)
        #expect(session.screenText.contains("E* ANNA MARIA"))
        #expect(!session.screenText.contains("ERIKSSON"))
    }

    @Test func badFieldsAreRefusedWithAPlainMessage() {
        var session = Self.atPassportEntry()
        #expect(session.press(.enter).isEmpty)
        #expect(session.screenText.contains("请按护照资料页上印的号码输入，1 至 9 位字母或数字"))
        #expect(session.screen().field?.label == "护照号码")
        session.type("E1234567")
        session.press(.enter)
        for bad in ["741312", "740230", "740229", "74081", "000000"] {
            session.type(bad)
            #expect(session.press(.enter).isEmpty, "birth date \(bad)")
            #expect(session.screenText.contains("这不是有效的日期。请按年、月、日各两位输入出生日期"), "birth date \(bad)")
            #expect(session.screen().field?.label == "出生日期（年月日各两位）")
            for _ in bad { session.press(.backspace) }
        }
        session.type("960229")
        session.press(.enter)
        #expect(session.screen().field?.label == "有效期至（年月日各两位）")
        #expect(!session.screenText.contains("这不是有效的日期"))
        session.type("301301")
        #expect(session.press(.enter).isEmpty)
        #expect(session.screenText.contains("请按年、月、日各两位输入有效期"))
        session.press(.function(2))
        session.press(.enter)
        #expect(session.screenText.contains("That is not a date. Please type the expiry date"))
    }

    @Test func backspaceOnAnEmptyFieldGoesBackAndEscapeWipesTheEntry() throws {
        var session = Self.atPassportEntry()
        session.type("L898902C3")
        session.press(.enter)
        session.press(.backspace)
        #expect(session.screen().field?.label == "护照号码")
        #expect(session.screen().field?.value == "L898902C3")
        session.press(.enter)
        session.type("740812")
        session.press(.escape)
        #expect(session.screen().field == nil)
        #expect(!session.screenText.contains("L898902C3"))
        #expect(session.position.step == "identify")
        session.press(.text("2"))
        #expect(session.screen().field?.label == "护照号码")
        #expect(session.screen().field?.value == "")
    }

    @Test func scannedMRZReadsThePassportAndABadOneIsTold() throws {
        var session = makeSession()
        session.press(.text("1"))
        var broken = Array(Self.td3)
        broken[broken.count - 1] = "9"  // the composite check digit no longer matches
        #expect(session.handle(.codeScanned(Array(String(broken).utf8))).isEmpty)
        #expect(session.screenText.contains("没能识别这两行字母。请重新扫描资料页底部的两行，或按 2 输入证件信息"))
        #expect(session.handle(.codeScanned(Array((Self.td3 + "\r\n").utf8))) == [.readDocument(try Self.specimenKey())])
        #expect(session.handle(.documentRead(.success(Self.passport))) == [.findPickups(.holder(Self.passport))])
    }

    @Test func anMRZScannedOnTheHomeScreenStartsTheCollection() throws {
        var session = makeSession()
        let actions = session.handle(.codeScanned(Array(Self.td3.utf8)))
        #expect(actions == [.flowStarted(flow: "collect"), .readDocument(try Self.specimenKey())])
        #expect(session.position.description == "collect.identify")
    }

    @Test func wrongDetailsAreAskedForAgainThenTheReadSucceeds() throws {
        var session = Self.atPassportEntry()
        let wrong = try DocumentAccessKey(documentNumber: "L898902C3", birthDate: "740812", expiryDate: "130415")
        #expect(Self.enter("L898902C3", "740812", "130415", into: &session) == [.readDocument(wrong)])
        #expect(session.handle(.documentRead(.failure(Self.deviceError(.accessDenied)))).isEmpty)
        #expect(session.screenText.contains("输入的信息与护照不符，请核对后重新输入"))
        #expect(session.screen().field?.label == "护照号码")
        #expect(session.screen().field?.value == "")
        #expect(Self.enter("L898902C3", "740812", "120415", into: &session) == [.readDocument(try Self.specimenKey())])
        #expect(session.handle(.documentRead(.success(Self.passport))) == [.findPickups(.holder(Self.passport))])
    }

    @Test func noPassportOnTheReaderAsksForItAndRetriesWithTheSameKey() throws {
        var session = Self.atPassportEntry()
        let key = try Self.specimenKey()
        Self.enter("L898902C3", "740812", "120415", into: &session)
        #expect(session.handle(.documentRead(.failure(Self.deviceError(.noDocument)))).isEmpty)
        #expect(session.screenText.contains("请把护照资料页朝下放在读卡区，然后按 1 重试"))
        #expect(session.screen().options.map(\.label) == ["重新读取", "重新输入信息"])
        #expect(session.press(.text("1")) == [.readDocument(key)])
        session.press(.function(2))
        #expect(session.handle(.documentRead(.failure(Self.deviceError(.noDocument)))).isEmpty)
        #expect(session.screenText.contains("Please place your passport on the reader, photo page down"))
        #expect(session.screen().options.map(\.label) == ["Try again", "Type the details again"])
        session.press(.function(2))
        #expect(session.press(.text("1")) == [.readDocument(key)])
        #expect(session.handle(.documentRead(.failure(Self.deviceError(.cardRemoved)))).isEmpty)
        #expect(session.screenText.contains("读取完成前护照被移动了"))
        #expect(session.press(.text("1")) == [.readDocument(key)])
        #expect(session.handle(.documentRead(.success(Self.passport))) == [.findPickups(.holder(Self.passport))])
    }

    @Test func aRetryCanTypeTheDetailsAgain() {
        var session = Self.atPassportEntry()
        Self.enter("L898902C3", "740812", "120415", into: &session)
        _ = session.handle(.documentRead(.failure(Self.deviceError(.readFailed))))
        #expect(session.screenText.contains("没能读取护照"))
        session.press(.text("2"))
        #expect(session.screen().field?.label == "护照号码")
        #expect(session.screen().field?.value == "")
    }

    @Test func readerAndDocumentProblemsSendTheCitizenToStaff() {
        for (code, text) in [(DeviceErrorCode.readerOffline, "护照阅读器暂时不能使用"), (.documentNotAuthentic, "本机无法读取这本证件"),
                             (.notAnEMRTD, "本机无法读取这本证件"), (.unreadableDocument, "本机无法读取这本证件")] {
            var session = Self.atPassportEntry()
            Self.enter("L898902C3", "740812", "120415", into: &session)
            #expect(session.handle(.documentRead(.failure(Self.deviceError(code)))).isEmpty)
            #expect(session.screenText.contains(text), "\(code)")
            // The key is gone: the step is back to its start, with no retry holding it.
            #expect(session.screen().options.map(\.label) == ["输入取件码", "输入护照信息"], "\(code)")
            #expect(session.press(.text("2")).isEmpty)
            #expect(session.screen().field?.value == "")
        }
    }

    @Test func aStaleAnswerOrAnAnswerNobodyAskedForIsIgnored() {
        var session = makeSession()
        session.press(.text("1"))
        #expect(session.handle(.documentRead(.success(Self.passport))).isEmpty)
        #expect(!session.holdsIdentity)
        #expect(session.position.step == "identify")
    }

    @Test func theVisitsEndWipesTheIdentityAndTheKey() {
        var session = Self.atPassportEntry()
        Self.enter("L898902C3", "740812", "120415", into: &session)
        _ = session.handle(.documentRead(.success(Self.passport)))
        _ = session.handle(.pickupsFound([]))
        #expect(session.position.step == "nothing-ready")
        #expect(session.press(.text("1")) == [.sessionEnded(.finished)])
        #expect(session.isIdle)
        #expect(!session.holdsIdentity)
        #expect(!session.screenText.contains("L898902C3"))
    }
}
