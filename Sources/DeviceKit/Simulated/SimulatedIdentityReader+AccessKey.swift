/// The simulated reader also plays a PC/SC passport reader, so the demo and the tests can walk the
/// passport path without pcscd: a document placed with ``placeDocument(_:)`` sends no event (as a
/// real eMRTD on a PC/SC reader does not), and ``read(accessKey:)`` answers like
/// `PCSCIdentityReader`: the identity for the right key, `access-denied` for a wrong one,
/// `no-document`, `card-removed`, `read-failed` and `reader-offline` with the same codes.
extension SimulatedIdentityReader: AccessKeyIdentityReader {
    /// Places a passport or eMRTD ID card on the reader; whatever lay there is taken away first.
    /// Its access key is the one its own data gives (``accessKey(for:)``).
    public func placeDocument(_ identity: Identity) {
        state.withLock { state in
            Self.takeAway(&state)
            state.document = identity
            state.link.newGeneration()
        }
    }

    /// Whether a document waiting for its access key lies on the reader.
    public var isDocumentPresent: Bool { state.withLock { $0.document != nil } }

    public func read(accessKey: DocumentAccessKey) async throws(DeviceError) -> Identity {
        let start = state.withLock { state -> Result<(Identity, Int), DeviceError> in
            guard state.link.liveSink != nil else {
                return .failure(DeviceError(code: .readerOffline, action: .reset, detail: "\(state.link.name) is not started or unplugged"))
            }
            guard let document = state.document else {
                return .failure(DeviceError(code: .noDocument, action: .retry, detail: "no document on \(state.link.name)"))
            }
            return .success((document, state.link.generation))
        }
        let (document, generation) = try start.get()
        try? await Task.sleep(for: readLatency)
        return try state.withLock { state throws(DeviceError) -> Identity in
            // Taken away, swapped or unplugged during the read: what was read belongs to no one here.
            guard state.link.generation == generation, state.link.liveSink != nil, state.document == document else {
                throw DeviceError(code: .cardRemoved, action: .retry, detail: "the document left \(state.link.name) during the read")
            }
            if state.failNextRead {
                state.failNextRead = false
                throw DeviceError(code: .readFailed, action: .retry, detail: "the document could not be read (simulated)")
            }
            guard Self.accessKey(for: document) == accessKey else {
                throw DeviceError(code: .accessDenied, action: .retry,
                                  detail: "\(state.link.name): the access key does not match the document")
            }
            return document
        }
    }

    /// The key that opens a simulated document: its number, birth date and expiry date as an MRZ
    /// writes them. Nil for a document without them (it then opens with no key).
    public static func accessKey(for identity: Identity) -> DocumentAccessKey? {
        guard let birth = identity.birthDate.flatMap(mrzDate), case .date(let expiryDate) = identity.expiry,
              let expiry = mrzDate(expiryDate) else { return nil }
        return try? DocumentAccessKey(documentNumber: identity.number, birthDate: birth, expiryDate: expiry)
    }

    /// `1974-08-12` → `740812`.
    private static func mrzDate(_ iso: String) -> String? {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2 else { return nil }
        return String(parts[0].suffix(2) + parts[1] + parts[2])
    }
}
