import DeviceKit
import ScannedDocuments

/// One scan from open to close, run as a single job on the SANE thread: open the device, set the
/// options, then `sane_start` → frames → `sane_start` … until the feeder reports
/// SANE_STATUS_NO_DOCS (or the page limit, or after one page on a flatbed), then `sane_cancel` to
/// end the batch as the standard asks, and close.
struct SANEScanJob: Sendable {
    var deviceName: String
    var settings: ScanSettings
    var cancellation: ScanCancellation
    var progress: @Sendable (ScanProgress) -> Void

    /// The pages, or an error whose status says what the device needs.
    func run(_ context: SANEContext) throws(DeviceError) -> [RawPage] {
        let device = try context.open(deviceName)
        defer { device.close() }
        let applied = try SANEOptionSetter(device: device).apply(settings)
        let reader = SANEFrameReader(device: device, resolutionDPI: applied.resolutionDPI,
                                     cancellation: cancellation, progress: progress)
        let limit = settings.source == .feeder ? max(1, settings.maxPages) : 1
        var pages: [RawPage] = []
        defer { device.cancel() }
        while pages.count < limit {
            if cancellation.isCancelled {
                throw DeviceError(code: .cancelled, action: .none, detail: "scan on \(deviceName) cancelled")
            }
            let status = device.start()
            switch status {
            case .good:
                pages.append(try reader.readPage(number: pages.count + 1))
            case .noDocuments where !pages.isEmpty:
                // The feeder ran empty after at least one page: the batch is done.
                return pages
            case .noDocuments:
                throw DeviceError(code: .noDocuments, action: .retry,
                                  detail: settings.source == .feeder ? "the document feeder of \(deviceName) is empty"
                                                                     : "nothing to scan on \(deviceName)")
            default:
                throw status.error("sane_start on \(deviceName) (page \(pages.count + 1))")
            }
        }
        return pages
    }
}
