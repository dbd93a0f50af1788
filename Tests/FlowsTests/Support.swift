import DeviceKit
import Flows
import Foundation
import ScreenModel

/// The repository's own `Kiosk/` folder: the tests run the flows that ship.
let kioskDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Kiosk").resolvingSymlinksInPath()

let shippedContent: KioskContent = {
    do { return try KioskContent.load(from: kioskDirectory, displayDirectory: "Kiosk") } catch {
        fatalError("the shipped Kiosk folder does not load:\n\(error)")
    }
}()

let citizen = Identity(kind: .residentID, number: "460100199001011236", name: "测试样", sex: .female,
                       nation: "汉", birthDate: "1990-01-01", expiry: .longTerm)

let licence = PickupSummary(id: "P-1001", title: Localized(zhHans: "营业执照", en: "Business licence"),
                            department: Localized(zhHans: "市场监督管理局", en: "Market Supervision Administration"))
let permit = PickupSummary(id: "P-1002", title: Localized(zhHans: "食品经营许可证", en: "Food business licence"),
                           department: Localized(zhHans: "市场监督管理局", en: "Market Supervision Administration"))

func makeSession(idle: Int = 60, countdown: Int = 10) -> Session {
    Session(content: shippedContent, settings: SessionSettings(idleSeconds: idle, countdownSeconds: countdown, kioskID: "HK-0001"))
}

extension Session {
    /// Presses keys one after another and returns every action they caused.
    @discardableResult
    mutating func press(_ keys: Key...) -> [SessionAction] {
        keys.flatMap { handle(.key($0)) }
    }

    /// Types each character as a key.
    @discardableResult
    mutating func type(_ text: String) -> [SessionAction] {
        text.flatMap { handle(.key(.text(String($0)))) }
    }

    /// Everything written on the screen, for assertions on what a citizen reads.
    var screenText: String {
        let s = screen()
        var parts = [s.title] + s.notices.map(\.text) + s.paragraphs.map(\.text)
        parts += s.options.flatMap { [$0.label, $0.detail ?? ""] }
        if let field = s.field { parts += [field.label, field.value] }
        parts += s.commands.map(\.label)
        return parts.joined(separator: "\n")
    }
}
