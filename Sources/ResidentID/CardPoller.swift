import DeviceKit

/// What the reader's thread knows about the card in the field, and one round of polling: find the
/// card, and read it when it is new. Once per card: a card already presented (or given up on) is not
/// read again until find card stops finding it.
struct CardPoller {
    /// The reader's line, for its health and events.
    let line: SerialLineThread.Run
    /// Tries at reading one card before reporting the failure.
    let readAttempts: Int
    private var presented = false
    private var attempts = 0
    private var gaveUp = false
    private var lastError: DeviceError?

    init(line: SerialLineThread.Run, readAttempts: Int) {
        self.line = line
        self.readAttempts = readAttempts
    }

    mutating func poll(_ link: inout GA467Link) throws(DeviceError) {
        let found = try link.transact(.findCard)
        switch found.status {
        case .cardFound:
            line.setHealth(.online)
            guard !presented, !gaveUp else { return }
            do {
                let card = try read(&link)
                if card.allChecksPassed {
                    presented = true
                    attempts = 0
                    line.emit(.identityPresented(card.identity))
                } else {
                    gaveUp = true
                    line.emit(.identityReadFailed(DeviceError(
                        code: .ga467IDNumberCheckFailed, action: .retry,
                        detail: "the card's ID number fails its GB 11643 check character")))
                }
            } catch where DeviceErrorCode.serialLine.contains(error.code) {
                throw error
            } catch {
                attempts += 1
                lastError = error
                if attempts >= readAttempts {
                    gaveUp = true
                    line.emit(.identityReadFailed(error))
                }
            }
        case .cardNotFound:
            line.setHealth(.online)
            if presented {
                line.emit(.identityRemoved)
            } else if attempts > 0, !gaveUp, let lastError {
                // The card left before a good read: report why the read failed.
                line.emit(.identityReadFailed(lastError))
            }
            forget()
        default:
            let error = found.status?.error ?? GA467Status.unknownStatusError(found.sw3)
            let broken = found.status == .samSelfTestFailed || found.status == .samNotAuthorized
            line.setHealth(DeviceHealth(state: broken ? .hardwareError : .online, reason: broken ? DeviceHealth.Reason(error.code) : nil,
                                        action: broken ? error.action : .none))
        }
    }

    /// Select, read, and for a resident ID card the newest appended address.
    private func read(_ link: inout GA467Link) throws(DeviceError) -> ResidentIDCard {
        _ = try link.transact(.selectCard).successData()
        let data = try link.transact(.read).successData()
        var card = try ReadAnswer(data: data, withFingerprint: false).card()
        if card.identity.kind == .residentID {
            let appended = try link.transact(.readAppendedAddress)
            if appended.status == .success {
                let address = TextBlockParser.field(appended.data, 0..<appended.data.count)
                if !address.isEmpty { card.identity.address = address }
            }
        }
        return card
    }

    /// The line went away: a card presented is gone as far as anyone can tell.
    mutating func lineLost() {
        if presented { line.emit(.identityRemoved) }
        forget()
    }

    mutating func forget() {
        presented = false
        attempts = 0
        gaveUp = false
        lastError = nil
    }
}
