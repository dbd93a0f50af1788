import DeviceKit
import Foundation
import Testing

/// Device details: the line an operator reads in `kioskctl devices`, the simulated printer's paper
/// and toner, and the manager's snapshot carrying them to the control socket.
@Suite("device details")
struct DeviceDetailsTests {
    static let printerDetails = DeviceDetails(
        stateReasons: ["media-low-warning", "toner-low-report"],
        media: DeviceDetails.Media(ready: ["iso_a4_210x297mm"], state: .low),
        supplies: [
            DeviceDetails.Supply(name: "Black Toner", type: "toner", level: 12, low: true),
            DeviceDetails.Supply(name: "Cyan Toner", type: "toner", level: 0, empty: true),
            DeviceDetails.Supply(name: "Waste Toner", type: "waste-toner", level: nil, levelNote: .someRemaining),
            DeviceDetails.Supply(name: "Drum", type: "opc", level: nil, levelNote: .unavailable),
            DeviceDetails.Supply(name: "Fuser", level: nil),
        ])

    @Test("the operator's line names the paper, every supply with its level or why there is none, and every reason")
    func summary() {
        #expect(Self.printerDetails.summary
            == "paper: A4 low · Black Toner 12 % (low) · Cyan Toner 0 % (empty) · Waste Toner: level unknown, some left"
            + " · Drum: level unavailable · Fuser: level unknown · reasons: media-low-warning, toner-low-report")
        let fine = DeviceDetails(media: DeviceDetails.Media(ready: ["iso_a4_210x297mm", "na_letter_8.5x11in"], state: .ready),
                                 supplies: [DeviceDetails.Supply(name: "Black Toner", level: 80)])
        #expect(fine.summary == "paper: A4, Letter ready · Black Toner 80 %")
        #expect(DeviceDetails(media: DeviceDetails.Media(ready: [], state: .empty)).summary == "paper: empty")
        #expect(DeviceDetails().summary == "-")
        // Never a negative number on the operator's screen.
        #expect(!Self.printerDetails.summary.contains("-1") && !Self.printerDetails.summary.contains("-3"))
    }

    @Test("names and reasons a printer sends cannot carry terminal commands to the operator's screen")
    func summaryDropsControlCharacters() {
        let hostile = DeviceDetails(stateReasons: ["media-low\u{1B}[2J-warning"],
                                    supplies: [DeviceDetails.Supply(name: "Toner\u{1B}]0;owned\u{07}\u{9B}31m", level: 50)])
        let line = hostile.summary
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(line == "Toner]0;owned31m 50 % · reasons: media-low[2J-warning")
    }

    @Test("PWG media names read as people say them; other names as given")
    func mediaNames() {
        #expect(DeviceDetails.mediaName("iso_a4_210x297mm") == "A4")
        #expect(DeviceDetails.mediaName("iso_dl_110x220mm") == "DL")
        #expect(DeviceDetails.mediaName("na_letter_8.5x11in") == "Letter")
        #expect(DeviceDetails.mediaName("oe_80mm-roll_80x297mm") == "80mm-roll")
        #expect(DeviceDetails.mediaName("A4") == "A4")
        #expect(DeviceDetails.mediaName("roll__80x200mm") == "roll__80x200mm")
    }

    @Test("a supply's level stays within 0 to 100, an unknown one carries a note, and empty implies low")
    func supplyInvariants() {
        #expect(DeviceDetails.Supply(name: "t", level: 140).level == 100)
        #expect(DeviceDetails.Supply(name: "t", level: nil).levelNote == .unknown)
        #expect(DeviceDetails.Supply(name: "t", level: 50, levelNote: .unavailable).levelNote == nil)
        #expect(DeviceDetails.Supply(name: "t", level: 0, empty: true).low)
    }

    @Test("the JSON keys are stable, and a snapshot from before details decodes without them")
    func json() throws {
        let json = String(decoding: try JSONEncoder().encode(Self.printerDetails), as: UTF8.self)
        for key in ["\"stateReasons\"", "\"media\"", "\"ready\"", "\"state\":\"low\"", "\"supplies\"", "\"levelNote\":\"some-remaining\"",
                    "\"level\":12", "\"low\":true", "\"empty\":true"] {
            #expect(json.contains(key), "\(key) in \(json)")
        }
        #expect(try JSONDecoder().decode(DeviceDetails.self, from: Data(json.utf8)) == Self.printerDetails)
        let older = """
            {"id":"p","role":"receipt-printer","category":"printer","driver":"sim","model":"sim-printer",
             "health":{"state":"online","action":"none"},"counters":{"cardsRead":0,"readFailures":0,"codesScanned":0,
             "pagesScanned":0,"jobsPrinted":0,"pagesPrinted":0,"jobsFailed":0,"restarts":0}}
            """
        #expect(try JSONDecoder().decode(DeviceSnapshot.self, from: Data(older.utf8)).details == nil)
    }

    @Test("the simulated printer shows its paper and toner, and each fault as the reason CUPS would give")
    func simulatedPrinter() {
        let printer = SimulatedPrinter(id: "p", jobTime: .milliseconds(5))
        let toner = DeviceDetails.Supply(name: "Black Toner", type: "toner", level: 80)
        #expect(printer.currentDetails() == DeviceDetails(
            media: DeviceDetails.Media(ready: ["iso_a4_210x297mm"], state: .ready), supplies: [toner]))
        printer.setFault(.paperLow)
        #expect(printer.currentDetails()?.media == DeviceDetails.Media(ready: ["iso_a4_210x297mm"], state: .low))
        #expect(printer.currentDetails()?.stateReasons == ["media-low-warning"])
        printer.setFault(.paperOut)
        #expect(printer.currentDetails()?.media == DeviceDetails.Media(ready: [], state: .empty))
        #expect(printer.currentDetails()?.stateReasons == ["media-empty-error"])
        printer.setFault(.jam)
        #expect(printer.currentDetails()?.stateReasons == ["media-jam-error"])
        printer.recover()
        printer.setTonerLevel(7)
        #expect(printer.currentDetails()?.supplies == [DeviceDetails.Supply(name: "Black Toner", type: "toner", level: 7, low: true)])
        #expect(printer.currentDetails()?.stateReasons == ["toner-low-warning"])
        #expect(printer.currentDetails()?.summary == "paper: A4 ready · Black Toner 7 % (low) · reasons: toner-low-warning")
        printer.setTonerLevel(-5)
        #expect(printer.currentDetails()?.supplies.first?.empty == true)
        #expect(printer.currentDetails()?.stateReasons == ["toner-empty-warning"])
    }

    @Test("the manager's snapshot carries each device's details, as JSON too; devices without any carry none")
    func snapshotCarriesDetails() async throws {
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(5), tonerLevel: 12)
        let reader = SimulatedIdentityReader(id: "reader")
        let kiosk = RunningManager([ManagedDevice(reader, role: .identityReader), ManagedDevice(printer, role: .certificatePrinter)])
        #expect(await kiosk.recorder.wait { $0.health(of: "printer").last == .online })
        printer.setFault(.paperLow)
        let snapshot = await kiosk.manager.snapshot()
        let decoded = try JSONDecoder().decode([DeviceSnapshot].self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
        let details = try #require(decoded.first { $0.id == "printer" }?.details)
        #expect(details.media?.state == .low)
        #expect(details.supplies == [DeviceDetails.Supply(name: "Black Toner", type: "toner", level: 12, low: false)])
        #expect(details.stateReasons == ["media-low-warning"])
        #expect(decoded.first { $0.id == "reader" }?.details == nil)
        let json = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        #expect(json.components(separatedBy: "\"details\"").count == 2, "only the printer has details: \(json)")
        // The handle a flow gets passes details through as well.
        #expect(await kiosk.manager.printer(for: .certificatePrinter)?.currentDetails() == printer.currentDetails())
        await kiosk.shutdown()
    }

    @Test("a misconfigured device shows no details: it was never started")
    func misconfiguredHasNone() async {
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(printer, role: .identityReader)])
        #expect(await kiosk.snapshot("printer")?.health.reason == DeviceHealth.Reason(.roleMismatch))
        #expect(await kiosk.snapshot("printer")?.details == nil)
        await kiosk.shutdown()
    }
}
