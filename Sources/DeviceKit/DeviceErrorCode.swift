/// The stable code of a ``DeviceError``: what flows match, what operators read in logs and
/// `kioskctl`, what the probes report. The raw value is the wire form (kebab-case) in every JSON,
/// log line and outbox payload, and never changes; the docs of each driver list its codes.
public enum DeviceErrorCode: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    // Configuration: the catalog, a device's connection in kiosk.yaml, a driver's settings.
    case missingConnection = "missing-connection"
    case badConnection = "bad-connection"
    case driverUnavailable = "driver-unavailable"
    case driverCategoryMismatch = "driver-category-mismatch"
    case badCategory = "bad-category"
    case badQuirk = "bad-quirk"
    case badCatalogEntry = "bad-catalog-entry"
    case badUSBHIDSettings = "bad-usb-hid-settings"
    case badAccessKey = "bad-access-key"

    // The device manager: devices it does not run, or could not start or reset.
    case managed
    case unknownDevice = "unknown-device"
    case misconfigured
    case roleMismatch = "role-mismatch"
    case duplicateID = "duplicate-id"
    case startFailed = "start-failed"
    case resetFailed = "reset-failed"

    // Any device.
    case notStarted = "not-started"
    case stopped
    case busy
    case disconnected
    case offline
    case timeout
    case cancelled
    case unsupported
    case notFound = "not-found"
    case accessDenied = "access-denied"

    // Identity readers: what a flow tells the citizen (SmartCard, ResidentID, the simulated reader).
    case readerOffline = "reader-offline"
    case noDocument = "no-document"
    case cardRemoved = "card-removed"
    case readFailed = "read-failed"
    case documentNotAuthentic = "document-not-authentic"
    case notAnEMRTD = "not-an-emrtd"
    case unreadableDocument = "unreadable-document"

    // Serial lines (SerialPort): GA 467 readers and serial code scanners.
    case serialBaudUnsupported = "serial-baud-unsupported"
    case serialNotPresent = "serial-not-present"
    case serialOpenFailed = "serial-open-failed"
    case serialNotATTY = "serial-not-a-tty"
    case serialSetupFailed = "serial-setup-failed"
    case serialClosed = "serial-closed"
    case serialTimeout = "serial-timeout"
    case serialIOFailed = "serial-io-failed"
    case serialDisconnected = "serial-disconnected"

    // GA 467 readers: the SAM's status byte SW3 (GA467Status), one code for each.
    case ga467Success = "ga467-success"
    case ga467NoContent = "ga467-no-content"
    case ga467CardFound = "ga467-card-found"
    case ga467HostChecksumRejected = "ga467-host-checksum-rejected"
    case ga467HostLengthRejected = "ga467-host-length-rejected"
    case ga467CommandRejected = "ga467-command-rejected"
    case ga467NotPermitted = "ga467-not-permitted"
    case ga467UnknownError = "ga467-unknown-error"
    case ga467CardAuthenticationFailed = "ga467-card-authentication-failed"
    case ga467SAMAuthenticationFailed = "ga467-sam-authentication-failed"
    case ga467VerificationFailed = "ga467-verification-failed"
    case ga467FingerprintVerificationFailed = "ga467-fingerprint-verification-failed"
    case ga467DataLengthError = "ga467-data-length-error"
    case ga467WrongCard = "ga467-wrong-card"
    case ga467ReadFailed = "ga467-read-failed"
    case ga467RandomNumberFailed = "ga467-random-number-failed"
    case ga467SAMSelfTestFailed = "ga467-sam-self-test-failed"
    case ga467SAMNotAuthorized = "ga467-sam-not-authorized"
    case ga467CardNotFound = "ga467-card-not-found"
    case ga467SelectFailed = "ga467-select-failed"
    case ga467UnknownStatus = "ga467-unknown-status"

    // GA 467 readers: frames, answers, the text block and the photo; the reader's own line.
    case ga467FrameChecksum = "ga467-frame-checksum"
    case ga467FrameLength = "ga467-frame-length"
    case ga467NoAnswer = "ga467-no-answer"
    case ga467AnswerTooShort = "ga467-answer-too-short"
    case ga467AnswerIncomplete = "ga467-answer-incomplete"
    case ga467ReadAnswerMalformed = "ga467-read-answer-malformed"
    case ga467TextBlockInvalid = "ga467-text-block-invalid"
    case ga467CardTypeUnknown = "ga467-card-type-unknown"
    case ga467IDNumberCheckFailed = "ga467-id-number-check-failed"
    case wltDecoderUnavailable = "wlt-decoder-unavailable"
    case wltDecodeFailed = "wlt-decode-failed"
    case resetRequested = "reset-requested"
    case ptyFailed = "pty-failed"

    // Code scanners: libusb and the scanner's reports (CodeScanners).
    case usbAccessDenied = "usb-access-denied"
    case usbBusy = "usb-busy"
    case usbError = "usb-error"
    case noInterruptEndpoint = "no-interrupt-endpoint"
    case reportTooShort = "report-too-short"
    case unexpectedReportID = "unexpected-report-id"
    case reportLengthOutOfRange = "report-length-out-of-range"
    case codeTooLong = "code-too-long"
    case symbologyChanged = "symbology-changed"

    // Document scanners: SANE's statuses (SANEStatus; with busy, cancelled, unsupported,
    // access-denied and media-jam above and below), pages and files, the test backend and probe.
    case noDocuments = "no-documents"
    case invalidArgument = "invalid-argument"
    case unexpectedEnd = "unexpected-end"
    case coverOpen = "cover-open"
    case ioError = "io-error"
    case outOfMemory = "out-of-memory"
    case warmingUp = "warming-up"
    case hardwareLocked = "hardware-locked"
    case scannerError = "scanner-error"
    case badOptionValue = "bad-option-value"
    case notOpen = "not-open"
    case badImage = "bad-image"
    case pageTooLarge = "page-too-large"
    case noPages = "no-pages"
    case imageEncoding = "image-encoding"
    case pdfEncoding = "pdf-encoding"
    case badFileName = "bad-file-name"
    case notWritable = "not-writable"
    case missingFolder = "missing-folder"
    case saneAlreadyInitialised = "sane-already-initialised"
    case testBackendMissing = "test-backend-missing"
    case noTestDevice = "no-test-device"
    case noScanner = "no-scanner"

    // Printers: CUPS, queues and jobs (Printing), the kiosk without a printer or a document.
    case printerUnreachable = "printer-unreachable"
    case printerOffline = "printer-offline"
    case printerStopped = "printer-stopped"
    case queueNotFound = "queue-not-found"
    case jobRefused = "job-refused"
    case jobTimeout = "job-timeout"
    case jobAborted = "job-aborted"
    case jobCanceled = "job-canceled"
    case jobLost = "job-lost"
    case documentMismatch = "document-mismatch"
    case documentNotPDF = "document-not-pdf"
    case documentMissing = "document-missing"
    case renderFailed = "render-failed"
    case fontMissing = "font-missing"
    case noPrinter = "no-printer"

    // Printers: the printer-state-reasons that stop a job (docs/drivers/printing.md).
    case mediaEmpty = "media-empty"
    case mediaJam = "media-jam"
    case doorOpen = "door-open"
    case trayMissing = "tray-missing"
    case outputAreaFull = "output-area-full"
    case tonerEmpty = "toner-empty"
    case markerSupplyEmpty = "marker-supply-empty"
    case markerWasteFull = "marker-waste-full"
    case hardwareFault = "hardware-fault"
    case queueMisconfigured = "queue-misconfigured"

    /// The codes of ``SerialPort``'s errors: the line itself failed, not the device on it.
    public static let serialLine: Set<DeviceErrorCode> = [
        .serialBaudUnsupported, .serialNotPresent, .serialOpenFailed, .serialNotATTY, .serialSetupFailed,
        .serialClosed, .serialTimeout, .serialIOFailed, .serialDisconnected,
    ]

    /// The wire form, so that a code reads the same in every log line and message as in JSON.
    public var description: String { rawValue }
}
