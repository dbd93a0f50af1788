import ArgumentParser
import DeviceKit
import Foundation

/// `kioskd probe identity`: reads one identity document and prints it (issue 3), masked unless
/// asked. Exit 0 on a good read; otherwise 1 and one line on stderr with the error's code.
struct ProbeIdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identity",
        abstract: "Read one identity document and print what it holds.",
        discussion: """
        --driver pcsc reads a passport or eMRTD ID card through pcscd: give its access key with \
        --mrz-key DOCNO:YYMMDD:YYMMDD (document number, birth date, expiry date) and, with several \
        readers, part of the reader's name with --reader. --driver sim reads the simulated reader's \
        specimen passport (with --mrz-key L898902C3:740812:120415) or, without a key, its resident \
        ID card. Personal fields are masked unless --show-personal-data is given.
        """)

    @Option(name: .long, help: ArgumentHelp("The reader family: \(IdentityProbe.Driver.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "driver"))
    var driver: IdentityProbe.Driver

    @Option(name: .long, help: ArgumentHelp("pcsc: part of the reader's name as pcscd lists it (default: the first reader).", valueName: "name"))
    var reader: String?

    @Option(name: .long, help: ArgumentHelp("ga467: the reader's serial device, e.g. /dev/serial/by-id/usb-…", valueName: "path"))
    var device: String?

    @Option(name: .long, help: ArgumentHelp("ga467: the line's baud rate.", valueName: "baud"))
    var baud = 115_200

    @Option(name: .customLong("mrz-key"), help: ArgumentHelp("The document's access key.", valueName: "DOCNO:YYMMDD:YYMMDD"))
    var mrzKey: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Print names, numbers, birth date and address in full (they are personal data).")
    var showPersonalData = false

    @Option(name: .long, help: ArgumentHelp("Write the document's photo to this file (mode 0600).", valueName: "file"))
    var photoOut: String?

    @Option(name: .long, help: ArgumentHelp("Give up after this many seconds (waiting for the reader and the document included).", valueName: "seconds"))
    var timeout: Double = 30

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be more than 0 and at most 600 seconds") }
        if let reader {
            guard driver == .pcsc else { throw ValidationError("--reader is for --driver pcsc") }
            guard !reader.isEmpty, reader.count <= 128, !reader.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw ValidationError("--reader must be one line of at most 128 characters")
            }
        }
        if driver == .pcsc && mrzKey == nil { throw ValidationError("--driver pcsc needs --mrz-key DOCNO:YYMMDD:YYMMDD") }
        if driver == .ga467 && device == nil { throw ValidationError("--driver ga467 needs --device PATH") }
    }

    func run() async throws {
        var accessKey: DocumentAccessKey?
        if let mrzKey {
            do throws(MRZError) { accessKey = try DocumentAccessKey(parsing: mrzKey) } catch {
                // The reason names the field, never the value typed.
                fail("bad-access-key", "--mrz-key: \(error)")
            }
        }
        let request = IdentityProbe.Request(driver: driver, reader: reader, accessKey: accessKey, device: device, baud: baud)
        let read: IdentityProbe.Read
        do throws(DeviceError) {
            read = try await IdentityProbe.read(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            fail(error.code.rawValue, error.detail)
        }
        if let photoOut {
            guard let photo = read.identity.photo else { fail("no-photo", "the document holds no photo; nothing written to \(photoOut)") }
            guard FileManager.default.createFile(atPath: photoOut, contents: photo.bytes, attributes: [.posixPermissions: 0o600]) else {
                fail("photo-not-written", "cannot write \(photoOut)")
            }
        }
        let report = IdentityReport(read.identity, checks: read.checks, showPersonalData: showPersonalData)
        print(json ? report.json(pretty: true) : Self.text(report))
    }

    /// One `key: value` line per field the document has, in the JSON's order.
    static func text(_ report: IdentityReport) -> String {
        let photo = report.photo.map { "\($0.format), \($0.bytes) bytes" }
        let fields: [(String, String?)] = [
            ("documentKind", report.documentKind), ("documentNumber", report.documentNumber), ("name", report.name),
            ("latinName", report.latinName), ("sex", report.sex), ("nationality", report.nationality),
            ("nation", report.nation), ("birthDate", report.birthDate), ("expiryDate", report.expiryDate),
            ("validFrom", report.validFrom), ("address", report.address), ("issuer", report.issuer), ("photo", photo),
            ("checks", report.checks.isEmpty ? nil
                : report.checks.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value ? "passed" : "FAILED")" }.joined(separator: ", ")),
        ]
        return fields.compactMap { key, value in value.map { "\(key): \($0)" } }.joined(separator: "\n")
    }

    private func fail(_ code: String, _ detail: String) -> Never {
        FileHandle.standardError.write(Data("kioskd probe identity: \(code): \(detail)\n".utf8))
        // _exit: no exit handlers run while a reader's thread may still be inside a C library (a
        // blocked PC/SC call past the timeout); the line above is already written, unbuffered.
        _exit(1)
    }
}
