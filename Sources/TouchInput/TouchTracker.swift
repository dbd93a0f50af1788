/// Turns a touch panel's evdev events into taps, one finger at a time.
///
/// Only the first finger counts: its position when it came down and when it lifted make one
/// ``Touch``. A second finger while it is down cancels it (a palm, a child's hand, ten fingers: no
/// tap by accident), and nothing starts again until every finger is off the panel. A contact
/// shorter than `minimumPress` is a bounce and is dropped; so is one whose events the kernel lost
/// (`SYN_DROPPED`). Multi-touch panels (protocol B: slots and tracking ids) and single-touch ones
/// (`BTN_TOUCH` with `ABS_X`/`ABS_Y`) both work.
public struct TouchTracker: Sendable {
    /// The panel's reported range on one axis.
    public struct AxisRange: Sendable, Equatable {
        public var minimum: Int32
        public var maximum: Int32
        public init(minimum: Int32, maximum: Int32) { (self.minimum, self.maximum) = (minimum, maximum) }

        func fraction(_ value: Int32) -> Double {
            guard maximum > minimum else { return 0 }
            return (Double(value) - Double(minimum)) / (Double(maximum) - Double(minimum))
        }
    }

    /// Where a finger came down and where it lifted, and how long it stayed.
    public struct Touch: Sendable, Equatable {
        public var press: TouchPoint
        public var release: TouchPoint
        public var seconds: Double
    }

    // The evdev codes used here (linux/input-event-codes.h), so this type needs no C header.
    static let evSyn: UInt16 = 0x00, evKey: UInt16 = 0x01, evAbs: UInt16 = 0x03
    static let synReport: UInt16 = 0, synDropped: UInt16 = 3
    static let btnTouch: UInt16 = 0x14A
    static let absX: UInt16 = 0x00, absY: UInt16 = 0x01
    static let absMTSlot: UInt16 = 0x2F, absMTPositionX: UInt16 = 0x35, absMTPositionY: UInt16 = 0x36
    static let absMTTrackingID: UInt16 = 0x39

    public let x: AxisRange
    public let y: AxisRange
    public let minimumPress: Double

    private struct Contact: Sendable {
        var x: Int32 = 0
        var y: Int32 = 0
        var down = false
    }

    private struct Gesture: Sendable {
        var slot: Int
        var press: TouchPoint
        var start: Double
        var cancelled = false
    }

    /// Slot 0 is also the one finger of a single-touch panel.
    private var contacts: [Int: Contact] = [:]
    private var slot = 0
    private var gesture: Gesture?
    /// After a cancelled or finished touch, nothing starts until every finger is up.
    private var waitingForAllUp = false
    /// Whether the panel speaks multi-touch protocol B, known from its first slot event; then its
    /// single-touch emulation (`BTN_TOUCH`, `ABS_X`) is ignored.
    private var followsSlots = false

    /// The most slots followed; a panel claiming more is held to this (ten fingers and some).
    static let maximumSlots = 16

    /// `multiTouch`: the panel has slots (protocol B); a single-touch panel's events are read then.
    public init(x: AxisRange, y: AxisRange, multiTouch: Bool, minimumPress: Double = 0.03) {
        self.x = x
        self.y = y
        followsSlots = multiTouch
        self.minimumPress = minimumPress
    }

    /// Takes one event as evdev reports it (`struct input_event`, its time in seconds); returns a
    /// touch when a finger lifted that makes one.
    public mutating func handle(type: UInt16, code: UInt16, value: Int32, time: Double) -> Touch? {
        switch (type, code) {
        case (Self.evAbs, Self.absMTSlot):
            followsSlots = true
            slot = Int(value)
        case (Self.evAbs, Self.absMTTrackingID):
            followsSlots = true
            update(slot) { $0.down = value >= 0 }
        case (Self.evAbs, Self.absMTPositionX):
            followsSlots = true
            update(slot) { $0.x = value }
        case (Self.evAbs, Self.absMTPositionY):
            followsSlots = true
            update(slot) { $0.y = value }
        case (Self.evAbs, Self.absX) where !followsSlots:
            update(0) { $0.x = value }
        case (Self.evAbs, Self.absY) where !followsSlots:
            update(0) { $0.y = value }
        case (Self.evKey, Self.btnTouch) where !followsSlots:
            update(0) { $0.down = value != 0 }
        case (Self.evSyn, Self.synDropped):
            gesture?.cancelled = true
            waitingForAllUp = true
        case (Self.evSyn, Self.synReport):
            return frame(at: time)
        default:
            break
        }
        return nil
    }

    private mutating func update(_ slot: Int, _ change: (inout Contact) -> Void) {
        guard (0..<Self.maximumSlots).contains(slot) else { return }
        var contact = contacts[slot] ?? Contact()
        change(&contact)
        contacts[slot] = contact
    }

    /// A whole report arrived: start, follow or end the first finger's touch.
    private mutating func frame(at time: Double) -> Touch? {
        let down = contacts.filter { $0.value.down }
        if gesture == nil {
            if down.isEmpty { waitingForAllUp = false }
            guard !waitingForAllUp, let first = down.keys.min(), let contact = contacts[first] else { return nil }
            gesture = Gesture(slot: first, press: point(contact), start: time, cancelled: down.count > 1)
            return nil
        }
        guard var current = gesture else { return nil }
        if down.count > 1 || (down.count == 1 && down[current.slot] == nil) { current.cancelled = true }
        gesture = current
        guard let contact = contacts[current.slot], !contact.down else { return nil }
        gesture = nil
        waitingForAllUp = !down.isEmpty
        guard !current.cancelled, time - current.start >= minimumPress else { return nil }
        return Touch(press: current.press, release: point(contact), seconds: time - current.start)
    }

    private func point(_ contact: Contact) -> TouchPoint {
        TouchPoint(x: x.fraction(contact.x), y: y.fraction(contact.y))
    }
}
