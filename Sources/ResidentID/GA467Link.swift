import DeviceKit

/// One command and its answer over an open serial line: the command goes out, frames are decoded
/// from what comes back until one arrives or the deadline passes. Blocking: runs on the driver's own
/// thread. Garbage and false frames are skipped (the decoder resynchronises); only when no good frame
/// comes in time is the last false frame, or an incomplete or missing answer, the error.
public struct GA467Link: Sendable {
    public let port: SerialPort
    /// Extra time on top of the line time for the SAM to work: a card read takes it a few hundred
    /// milliseconds.
    public var answerTimeout: Duration
    private var decoder = GA467FrameDecoder()

    public init(port: SerialPort, answerTimeout: Duration = .seconds(2)) {
        self.port = port
        self.answerTimeout = answerTimeout
    }

    /// Bytes skipped as garbage so far.
    public var discardedBytes: Int { decoder.discardedBytes }

    public mutating func transact(_ command: GA467Command) throws(DeviceError) -> GA467Response {
        // What arrived since the last answer is late or garbage; it must not be taken for this one.
        port.discardInput()
        decoder.reset()
        let lineTime = SerialPort.lineTime(bytes: command.expectedAnswerBytes + 10, baud: port.baud)
        let deadline = ContinuousClock.now + answerTimeout + lineTime * 2
        try port.writeBlocking(command.encoded(), deadline: deadline)
        var lastFrameError: GA467FrameError?
        while true {
            switch decoder.next() {
            case .frame(let frame):
                return try GA467Response(frame: frame)
            case .error(let error):
                lastFrameError = error
            case .needMoreData:
                do {
                    decoder.feed(try port.readBlocking(deadline: deadline))
                } catch where error.code == .serialTimeout {
                    if decoder.hasPartialFrame {
                        throw DeviceError(code: .ga467AnswerIncomplete, action: .retry,
                                          detail: "the reader's answer to \(command) stopped part-way")
                    }
                    if let lastFrameError { throw lastFrameError.deviceError }
                    throw DeviceError(code: .ga467NoAnswer, action: .reset,
                                      detail: "the reader did not answer \(command) in time")
                }
            }
        }
    }
}
