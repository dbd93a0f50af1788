import DeviceKit
import Printing
import PrintingTestBed
import Testing

@Suite("cups driver settings and factory")
struct SettingsTests {
    static let entry = CatalogEntry(model: "cups-ipp-everywhere", name: "IPP Everywhere", category: .printer, driver: .cups)

    @Test("every connection key is read")
    func allKeys() throws {
        let settings = try CUPSPrinterSettings(connection: DeviceConnection([
            "queue": "receipts_1", "server": "127.0.0.1:8631", "paper": "roll-80mm", "job-timeout-seconds": "45",
            "receipt-format": "escpos", "pdf-pass-through": "yes",
        ]), device: "p")
        #expect(settings == CUPSPrinterSettings(queue: "receipts_1", server: .tcp(host: "127.0.0.1", port: 8631), paper: .roll80mm,
                                                jobTimeout: .seconds(45), receiptFormat: .escpos, pdfPassThrough: true))
        let defaults = try CUPSPrinterSettings(connection: DeviceConnection(["queue": "a4"]), device: "p")
        #expect(defaults == CUPSPrinterSettings(queue: "a4"))
        #expect(defaults.jobOptions == ["media": "iso_a4_210x297mm"])
    }

    @Test("servers: host:port, [v6]:port, or a socket path")
    func servers() {
        #expect(CUPSServer(parsing: "localhost:631") == .tcp(host: "localhost", port: 631))
        #expect(CUPSServer(parsing: "[::1]:631") == .tcp(host: "::1", port: 631))
        #expect(CUPSServer(parsing: "/run/cups/cups.sock") == .socket(path: "/run/cups/cups.sock"))
        #expect(CUPSServer(parsing: "localhost") == nil)
        #expect(CUPSServer(parsing: "localhost:0") == nil)
        #expect(CUPSServer(parsing: "localhost:99999") == nil)
        #expect(CUPSServer(parsing: "a b:631") == nil)
        #expect(CUPSServer(parsing: "/" + String(repeating: "x", count: 200)) == nil)
    }

    @Test("a bad setting is a configuration error naming its key", arguments: [
        (["server": "x"], "queue"),
        (["queue": "has space"], "queue"),
        (["queue": "q/../x"], "queue"),
        (["queue": "q", "server": "nowhere"], "server"),
        (["queue": "q", "paper": "a3"], "paper"),
        (["queue": "q", "job-timeout-seconds": "0"], "job-timeout-seconds"),
        (["queue": "q", "job-timeout-seconds": "soon"], "job-timeout-seconds"),
        (["queue": "q", "receipt-format": "png"], "receipt-format"),
        (["queue": "q", "pdf-pass-through": "maybe"], "pdf-pass-through"),
        (["queue": "q", "qeue": "x"], "qeue"),
    ])
    func badSettings(settings: [String: String], key: String) {
        do {
            _ = try CUPSPrinterSettings(connection: DeviceConnection(settings), device: "printer-1")
            Issue.record("accepted \(settings)")
        } catch {
            #expect(error.action == .configuration)
            #expect(error.detail.contains("connection.\(key)"), "\(error.detail)")
            #expect(error.detail.contains("printer-1"))
        }
    }

    @Test("the factory builds a cups printer without opening anything, and refuses other models")
    func factory() throws {
        let factory = CUPSDriverFactory()
        #expect(factory.driver == .cups)
        // Port 1 has no cupsd: building must not try to connect.
        let device = try factory.makeDevice(for: Self.entry, id: "certificate", connection: DeviceConnection(["queue": "certs", "server": "127.0.0.1:1"]))
        let printer = try #require(device as? CUPSPrinter)
        #expect(printer.id == "certificate")
        #expect(printer.model == "cups-ipp-everywhere")
        #expect(printer.driver == "cups")
        #expect(printer.settings.queue == "certs")
        let simulated = CatalogEntry(model: "sim-printer", name: "sim", category: .printer, driver: .sim)
        #expect(throws: DeviceError.self) { try factory.makeDevice(for: simulated, id: "x", connection: DeviceConnection(["queue": "q"])) }
        #expect(throws: DeviceError.self) { try factory.makeDevice(for: Self.entry, id: "x", connection: DeviceConnection()) }
    }
}
