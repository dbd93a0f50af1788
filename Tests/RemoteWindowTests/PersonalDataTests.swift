import DeviceKit
import Foundation
import Testing
@testable import RemoteWindow

@Suite struct PersonalDataTests {
    let personal = PersonalData(identity: citizen)

    @Test func masksTheIDNumberAndNameTheWayDeviceKitDoes() {
        #expect(personal.items.map(\.masked).contains("4601**********0027"))
        #expect(personal.items.map(\.masked).contains("测*样"))
        let text = "您好 \(citizenName)，证件号码 \(citizenNumber)，住址 \(citizen.address!)"
        let masked = personal.mask(text)
        #expect(!masked.contains(citizenNumber))
        #expect(!masked.contains(citizenName))
        #expect(!masked.contains("测试路"))
        #expect(masked.hasPrefix("您好 测*样，证件号码 4601**********0027，住址 *"))
        #expect(personal.occurs(in: text))
        #expect(!personal.occurs(in: masked))
    }

    @Test func framesBeforeConsentContainNeitherTheNumberNorTheName() {
        let screen = MirrorScreen.text(["姓名 \(citizenName)", "号码 \(citizenNumber)", "\(citizenName)\(citizenName)"],
                                       columns: 40, rows: 4, personalData: personal)
        #expect(screen.plain.plainText.contains(citizenNumber))
        let masked = screen.masked.plainText
        #expect(!masked.contains(citizenNumber))
        #expect(!masked.contains(citizenName))
        #expect(screen.masked.text(ofRow: 0).hasPrefix("姓名 测*样 "))
        #expect(screen.masked.text(ofRow: 1).hasPrefix("号码 4601**********0027"))
        #expect(screen.masked.text(ofRow: 2).hasPrefix("测*样 测*样 "))

        var stream = FrameStream()
        let frame = stream.frame(for: screen, unmasked: false)!
        let bytes = String(decoding: frame.data, as: UTF8.self)
        #expect(frame.full)
        #expect(!bytes.contains(citizenNumber) && !bytes.contains(citizenName))
        #expect(bytes.contains("4601**********0027"))
    }

    @Test func theRenderersMaskingIsKeptAndCheckedAgain() {
        // The masked buffer as the renderer drew it with maskPersonalData, plus a line it missed.
        let plain = MirrorScreen.text(["姓名 \(citizenName)", "备注 \(citizenNumber)"], columns: 40, rows: 2).plain
        let rendered = MirrorScreen.text(["姓名 ******", "备注 \(citizenNumber)"], columns: 40, rows: 2).plain
        let screen = MirrorScreen(plain: plain, masked: rendered, personalData: personal)
        #expect(screen.masked.text(ofRow: 0).hasPrefix("姓名 ******"))
        #expect(screen.masked.text(ofRow: 1).hasPrefix("备注 4601**********0027"))
        #expect(screen.buffer(unmasked: true) == plain)
    }

    @Test func latinNamesAndShortStrings() {
        var data = PersonalData()
        data.add("LI XIAOHONG", as: .name)
        data.add("王", as: .name)         // too short to search for
        data.add("  ", as: .other)
        #expect(data.items.map(\.text) == ["LI XIAOHONG"])
        #expect(data.mask("Welcome, LI XIAOHONG. 王先生") == "Welcome, L* XIAOHONG. 王先生")
        #expect(PersonalData().mask("unchanged") == "unchanged")
        #expect(PersonalData().isEmpty)
    }

    @Test func consentGovernsWhatMayBeSeen() throws {
        var consent = Consent()
        let a = ConnectionID(1), b = ConnectionID(2)
        #expect(!consent.showsPersonalData(to: a))
        let requested = try consent.request(by: TakeoverParty(connection: a, operator: alice))
        #expect(requested.notice == TakeoverNotice(state: .requested, by: "王芳"))
        #expect(!consent.showsPersonalData(to: a))
        var second = consent
        #expect(throws: RemoteError.self) { try second.request(by: TakeoverParty(connection: b, operator: tess)) }
        _ = consent.answer(granted: true)
        #expect(consent.showsPersonalData(to: a))
        #expect(!consent.showsPersonalData(to: b))
        let notTheirs = consent.end(.operator, connection: b)
        #expect(notTheirs == nil)
        #expect(consent.isGranted(to: a))
        let ended = consent.end(.visitEnded)
        #expect(ended?.notice == TakeoverNotice(state: .ended, by: "王芳", reason: "visit-ended"))
        #expect(!consent.showsPersonalData(to: a))
        let nothing = consent.end(.citizen)
        #expect(nothing == nil)
        let lateAnswer = consent.answer(granted: true)
        #expect(lateAnswer == nil)
    }
}

@Suite struct SupportingPartsTests {
    @Test func tokenBucketRefillsAtItsRate() {
        var bucket = TokenBucket(.init(messagesPerSecond: 10, burst: 3))
        let taken = (0..<4).map { _ in bucket.take(now: t0) }
        #expect(taken == [true, true, true, false])
        let tooSoon = bucket.take(now: t0.addingTimeInterval(0.05))
        let refilled = bucket.take(now: t0.addingTimeInterval(0.15))
        #expect(!tooSoon && refilled)
        // A clock that steps back refills nothing.
        let steppedBack = bucket.take(now: t0.addingTimeInterval(-100))
        let later = bucket.take(now: t0.addingTimeInterval(10))
        #expect(!steppedBack && later)
    }

    @Test func chatText() {
        #expect(ChatText.clean("  hello\u{1B}[1m world\r\n ") == ("hello world", false))
        #expect(ChatText.clean("\u{202E}txt.exe") == ("txt.exe", false))
        let long = ChatText.clean(String(repeating: "a", count: 10_000))
        #expect(long.text.count == 500 && long.truncated)
        #expect(ChatText.clean("abc", maxCharacters: 2) == ("ab", true))
    }

    @Test func auditRecordsAreCodableAndCarryNoPersonalData() throws {
        let record = AuditRecord(at: t0, operator: tess, action: .deviceCommand, detail: "Device.Reset receipt-printer\u{1B}[2J")
        #expect(record.detail == "Device.Reset receipt-printer")
        #expect(record.description == "李工 (technician) device-command: Device.Reset receipt-printer")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(record), as: UTF8.self)
        #expect(json == #"{"action":"device-command","at":"2026-11-18T11:06:40.000Z","detail":"Device.Reset receipt-printer","operator":"李工","role":"technician"}"#)
        #expect(try JSONDecoder().decode(AuditRecord.self, from: Data(json.utf8)) == record)
        #expect(AuditRecord.Action.allCases.map(\.rawValue) == [
            "attach", "detach", "consent-requested", "consent-granted", "consent-declined", "takeover-ended",
            "device-command", "identity-verify", "forbidden",
        ])
    }

    @Test func versions() {
        #expect(ProtocolVersion("1.0") == ProtocolVersion(major: 1, minor: 0))
        #expect(ProtocolVersion("1.12")?.isCompatible(with: .current) == true)
        #expect(ProtocolVersion("2.0")?.isCompatible(with: .current) == false)
        for bad in ["1", "1.", ".1", "1.0.0", "v1.0", "1.x", "", "١.٠"] { #expect(ProtocolVersion(bad) == nil, "\(bad)") }
        #expect(ProtocolVersion.current.description == "1.0")
    }
}
