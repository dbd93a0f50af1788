import SmartCard

/// The emulated passport without a socket, for unit tests and the CPU benchmark: APDUs go straight
/// to the applet on the calling thread.
public final class InProcessCard: APDUTransport {
    public let applet: PassportApplet
    /// Fails every transmit after this many, as a card taken away does.
    public var removeAfterCommands: Int?
    private var sent = 0

    public init(passport: TestPassport, faults: PassportApplet.Faults = .init()) {
        applet = PassportApplet(passport: passport, faults: faults)
    }

    public func transmit(_ command: [UInt8]) throws(CardError) -> [UInt8] {
        sent += 1
        if let removeAfterCommands, sent > removeAfterCommands { throw .cardRemoved }
        return applet.process(command)
    }
}
