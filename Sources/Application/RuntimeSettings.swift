import DeviceKit
import Flows
import Foundation

/// What the session loop needs of the kiosk's configuration: the daemon reads and checks
/// `kiosk.yaml`, and hands the loop these.
public struct RuntimeSettings: Sendable {
    public var kioskID: String
    /// The `Kiosk/` folder the flows and texts are read from again on a reload, and how it is
    /// written in problems.
    public var contentDirectory: URL
    public var contentDisplayDirectory: String
    /// The device roles a flow may require: those of the families the program links in.
    public var roles: [DeviceRole]
    /// The screen's size before a viewer tells its own.
    public var columns: Int
    public var rows: Int
    public var session: SessionSettings
    /// Salts the hash of a holder's document number, as the platform's pickups do.
    public var holderKeySalt: String
    /// Where a receipt's QR code points, with `{code}` for the tracking number.
    public var receiptResultURL: String?

    public init(kioskID: String, contentDirectory: URL, contentDisplayDirectory: String, roles: [DeviceRole],
                columns: Int, rows: Int, session: SessionSettings, holderKeySalt: String, receiptResultURL: String?) {
        self.kioskID = kioskID
        self.contentDirectory = contentDirectory
        self.contentDisplayDirectory = contentDisplayDirectory
        self.roles = roles
        self.columns = columns
        self.rows = rows
        self.session = session
        self.holderKeySalt = holderKeySalt
        self.receiptResultURL = receiptResultURL
    }
}
