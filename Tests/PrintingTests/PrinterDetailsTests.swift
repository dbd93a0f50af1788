import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing

/// What `kioskctl devices` shows of a CUPS printer: every reason, the media loaded, every supply.
@Suite("CUPS printer details")
struct PrinterDetailsTests {
    @Test("marker levels become percentages or words: -1 unavailable, -2 unknown, -3 some left; low at the printer's mark")
    func supplies() {
        let status = PrinterStatus(state: .idle, supplies: [
            PrinterStatus.Supply(name: "Black Toner", level: 12, type: "toner", lowLevel: 15),
            PrinterStatus.Supply(name: "Cyan Toner", level: 16, type: "toner", lowLevel: 15),
            PrinterStatus.Supply(name: "Magenta Toner", level: 9, type: "toner"),
            PrinterStatus.Supply(name: "Yellow Toner", level: 0, type: "toner", lowLevel: 5),
            PrinterStatus.Supply(name: "Drum", level: -1, type: "opc"),
            PrinterStatus.Supply(name: "Fuser", level: -2),
            PrinterStatus.Supply(name: "Waste Toner", level: -3, type: "waste-toner"),
            PrinterStatus.Supply(name: "Waste Ink", level: 3, type: "waste-ink", lowLevel: 5),
        ])
        #expect(status.details.supplies == [
            DeviceDetails.Supply(name: "Black Toner", type: "toner", level: 12, low: true),
            DeviceDetails.Supply(name: "Cyan Toner", type: "toner", level: 16),
            DeviceDetails.Supply(name: "Magenta Toner", type: "toner", level: 9, low: true),  // 10 % without a mark
            DeviceDetails.Supply(name: "Yellow Toner", type: "toner", level: 0, low: true, empty: true),
            DeviceDetails.Supply(name: "Drum", type: "opc", level: nil, levelNote: .unavailable),
            DeviceDetails.Supply(name: "Fuser", level: nil, levelNote: .unknown),
            DeviceDetails.Supply(name: "Waste Toner", type: "waste-toner", level: nil, levelNote: .someRemaining),
            DeviceDetails.Supply(name: "Waste Ink", type: "waste-ink", level: 3),  // a level of fullness
        ])
    }

    @Test("the paper's state comes from the reasons, whatever their severity; every reason is kept")
    func media() {
        let a4 = ["iso_a4_210x297mm"]
        #expect(PrinterStatus(state: .idle, mediaReady: a4).details.media == DeviceDetails.Media(ready: a4, state: .ready))
        #expect(PrinterStatus(state: .idle, reasons: ["media-low-report"], mediaReady: a4).details.media?.state == .low)
        #expect(PrinterStatus(state: .stopped, reasons: ["media-empty-error", "toner-low-warning"], mediaReady: a4).details
            == DeviceDetails(stateReasons: ["media-empty-error", "toner-low-warning"], media: DeviceDetails.Media(ready: a4, state: .empty)))
        #expect(PrinterStatus(state: .idle, reasons: ["media-needed"]).details.media?.state == .empty)
        #expect(PrinterStatus(state: .idle, reasons: ["none"]).details.stateReasons.isEmpty)
    }

    @Test("against cupsd and an IPP Everywhere printer reporting supplies: the details carry media-ready and every level")
    func fromCUPS() async throws {
        // ippeveprinter reports these markers; CUPS' ipp backend passes them to cupsd while it
        // prints, so cupsd knows them after the first job. Given a file, ippeveprinter describes
        // only what is in it (and its bare defaults), so the file names media and formats too.
        let bed = try await PrintBed.start(printerAttributes: [
            #"ATTR text printer-make-and-model "Kiosk Test Printer""#,
            "ATTR keyword media-supported iso_a4_210x297mm",
            "ATTR keyword media-default iso_a4_210x297mm",
            "ATTR keyword media-ready iso_a4_210x297mm",
            "ATTR mimeMediaType document-format-supported application/pdf,image/pwg-raster",
            "ATTR resolution pwg-raster-document-resolution-supported 300dpi",
            "ATTR keyword pwg-raster-document-type-supported sgray_8",
            "ATTR keyword print-color-mode-supported monochrome",
            "ATTR keyword print-color-mode-default monochrome",
            #"ATTR name marker-names "Black Toner","Waste Toner","Drum""#,
            "ATTR integer marker-levels 12,-3,-1",
            "ATTR integer marker-low-levels 15,0,10",
            "ATTR integer marker-high-levels 100,100,100",
            "ATTR keyword marker-types toner,waste-toner,opc",
            ##"ATTR name marker-colors "#000000","none","none""##,
        ])
        defer { bed.stop() }
        // A roll receipt: its job names no media, which this printer (without a media-col-database)
        // would refuse to match.
        let printer = CUPSPrinter(id: "printer-1", settings: CUPSPrinterSettings(queue: "kiosk", server: bed.server, paper: .roll80mm,
                                                                                 jobTimeout: .seconds(60)),
                                  watchInterval: .milliseconds(200))
        let recorder = EventRecorder()
        try await printer.start(sink: recorder.sink(id: printer.id))
        let before = try #require(printer.currentDetails())
        #expect(before.supplies.isEmpty, "cupsd learns supplies only while printing: \(before)")
        #expect(before.media?.ready.contains("iso_a4_210x297mm") == true, "\(before)")

        let outcome = await printer.print(try printer.receiptJob(ReceiptRenderingTests.receipt()))
        #expect(outcome == .completed, "\(bed.cupsLog.suffix(3000))")
        _ = await printer.selfTest()  // a fresh look, rather than waiting for the watcher's next one
        let details = try #require(printer.currentDetails())
        #expect(details.supplies == [
            DeviceDetails.Supply(name: "Black Toner", type: "toner", level: 12, low: true),
            DeviceDetails.Supply(name: "Waste Toner", type: "waste-toner", level: nil, levelNote: .someRemaining),
            DeviceDetails.Supply(name: "Drum", type: "opc", level: nil, levelNote: .unavailable),
        ], "\(details)")
        #expect(details.media == DeviceDetails.Media(ready: before.media?.ready ?? [], state: .ready))
        #expect(details.summary.hasPrefix("paper: A4"), "\(details.summary)")
        #expect(details.summary.contains("Black Toner 12 % (low) · Waste Toner: level unknown, some left · Drum: level unavailable"),
                "\(details.summary)")
        await printer.stop()
    }

    @Test("a reason a printer reports through its backend shows in the details, with the paper's state")
    func reasonFromBackend() async throws {
        let (bed, printer, recorder) = try await BackendFaultTests.startFaultyQueue("low", reporting: "media-low-warning")
        defer { bed.stop() }
        #expect(printer.currentDetails()?.stateReasons.contains("media-low-warning") == false)
        #expect(await printer.print(try printer.receiptJob(ReceiptRenderingTests.receipt())) == .completed, "\(bed.cupsLog.suffix(4000))")
        _ = try await recorder.waitForHealth(.seconds(10), "media-low") { $0.reason == .mediaLow }
        let details = try #require(printer.currentDetails())
        #expect(details.stateReasons.contains("media-low-warning"), "\(details)")
        #expect(details.media?.state == .low)
        #expect(details.summary.contains("reasons: ") && details.summary.contains("media-low-warning"))
        await printer.stop()
    }
}
