import DeviceKit

/// How eMRTD and PC/SC failures become DeviceKit errors: stable codes, an action for the operator,
/// details without personal data, and what the citizen should be told.
public enum SmartCardErrors {
    public static func deviceError(_ error: EMRTDError, reader: String) -> DeviceError {
        switch error {
        case .accessDenied:
            return DeviceError(code: .accessDenied, action: .retry,
                               detail: "reader \(reader): the chip refused the access key (document number, birth date or expiry do not match)")
        case .transport(.cardRemoved), .transport(.cardReset):
            return DeviceError(code: .cardRemoved, action: .retry, detail: "reader \(reader): the document left the reader during the read")
        case .transport(.serviceUnavailable), .transport(.readerUnavailable):
            return DeviceError(code: .readerOffline, action: .reset, detail: "reader \(reader): pcscd or the reader is unavailable")
        case .transport(.timeout), .transport(.cancelled), .transport(.malformedResponse), .transport(.pcsc):
            return DeviceError(code: .readFailed, action: .retry, detail: "reader \(reader): \(error)")
        case .chipAuthenticationFailed, .hashMismatch:
            return DeviceError(code: .documentNotAuthentic, action: .none, detail: "reader \(reader): \(error)")
        case .fileNotFound("eMRTD application"):
            return DeviceError(code: .notAnEMRTD, action: .none, detail: "reader \(reader): the card has no ICAO 9303 application")
        case .secureMessaging, .status, .protocolViolation, .crypto:
            return DeviceError(code: .readFailed, action: .retry, detail: "reader \(reader): \(error)")
        case .fileNotFound, .malformed, .fileTooLarge, .mrz:
            return DeviceError(code: .unreadableDocument, action: .none, detail: "reader \(reader): \(error)")
        }
    }

    /// What a kiosk tells the citizen for an error code of this driver, in English (the flows'
    /// locale files carry the translations, keyed `identify.<code>`).
    public static func citizenMessage(for code: DeviceErrorCode) -> String? {
        switch code {
        case .accessDenied:
            "The details do not match the document. Please check the document number, date of birth and expiry date, and try again."
        case .noDocument:
            "Please place your passport on the reader, photo page down."
        case .cardRemoved:
            "The document was moved before the reading finished. Please place it on the reader again and keep it still."
        case .readFailed:
            "The document could not be read. Please place it on the reader again and keep it still."
        case .readerOffline:
            "The passport reader is not available at the moment. Please ask at the service desk."
        case .documentNotAuthentic, .unreadableDocument, .notAnEMRTD:
            "This document cannot be read here. Please ask at the service desk."
        default:
            nil
        }
    }
}
