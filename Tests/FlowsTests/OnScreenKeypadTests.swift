import Flows
import ScreenModel
import Testing

/// Every field a citizen types into comes with on-screen keys that fit it, labelled in their
/// language, so a touch screen without a keyboard can fill it in.
@Suite("On-screen keypads")
struct OnScreenKeypadTests {
    @Test func thePickupCodeGetsDigits() {
        var session = makeSession()
        session.press(.text("1"), .text("1"))
        let screen = session.screen()
        #expect(screen.field != nil)
        // Only what typing needs: no "place your ID card" above the keys.
        #expect(!screen.paragraphs.contains { $0.text.contains("身份证") }, "\(screen.paragraphs)")
        #expect(screen.keypad == Screen.Keypad(layout: .digits, eraseLabel: "删除", confirmLabel: "确认"))
        session.press(.function(2))
        #expect(session.screen().keypad == Screen.Keypad(layout: .digits, eraseLabel: "Delete", confirmLabel: "OK"))
        // The hint speaks of the keys on the screen, not of Enter and Backspace.
        #expect(session.screenText.contains("Tap the keys on the screen"))
        #expect(!session.screenText.contains("Backspace"))
    }

    @Test func thePassportNumberGetsLettersAndItsDatesDigits() {
        var session = makeSession()
        session.press(.text("1"), .text("2"))
        #expect(session.screen().keypad?.layout == .alphanumeric)
        #expect(session.screen().keypad?.extraCharacters == [])
        session.type("E12345678")
        session.press(.enter)
        #expect(session.screen().keypad?.layout == .digits)
        session.type("900131")
        session.press(.enter)
        #expect(session.screen().keypad?.layout == .digits)
    }

    @Test func anApplicationNumberGetsLettersDigitsAndTheDash() {
        var session = makeSession()
        session.press(.text("2"), .text("1"))
        let keypad = session.screen().keypad
        #expect(keypad?.layout == .alphanumeric && keypad?.extraCharacters == ["-"])
        // Each key the keypad draws is one the field takes.
        for character in (keypad?.characterRows ?? []).joined() { session.press(.text(character)) }
        #expect(session.screen().field?.value == "1234567890ABCDEFGHIJKLMNOPQRSTUVWXYZ-")
    }

    @Test func screensWithoutAFieldHaveNoKeypad() {
        var session = makeSession()
        #expect(session.screen().keypad == nil)
        session.press(.text("1"))
        #expect(session.screen().keypad == nil)
    }
}
