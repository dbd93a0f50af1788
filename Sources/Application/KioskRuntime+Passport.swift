import DeviceKit

extension KioskRuntime {
    /// Reads the passport on the identity reader that takes access keys (a PC/SC reader), for the
    /// session's `.readDocument`. Runs in a child task of the loop; the key goes nowhere else.
    func readDocument(_ accessKey: DocumentAccessKey) async -> Result<Identity, DeviceError> {
        guard let reader = await devices.accessKeyIdentityReader() else {
            return .failure(DeviceError(code: .readerOffline, action: .configuration,
                                        detail: "no identity reader that reads passports is configured"))
        }
        do throws(DeviceError) {
            return .success(try await reader.read(accessKey: accessKey))
        } catch {
            return .failure(error)
        }
    }
}
