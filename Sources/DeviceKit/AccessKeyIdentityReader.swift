/// An identity reader whose documents must be opened with a key from the citizen: an ICAO 9303
/// passport or ID card read by Basic Access Control needs its document number, birth date and
/// expiry date before the chip says anything. The flow asks for them (keypad or a scanned MRZ) and
/// calls ``read(accessKey:)`` while the document lies on the reader.
public protocol AccessKeyIdentityReader: IdentityReader {
    /// Reads the document on the reader with `accessKey`. Throws `access-denied` when the key does
    /// not match the document, `no-document` when nothing lies on the reader.
    func read(accessKey: DocumentAccessKey) async throws(DeviceError) -> Identity
}
