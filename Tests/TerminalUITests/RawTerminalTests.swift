#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TerminalUI

/// A pseudo-terminal pair: the test plays the terminal emulator on `controller`, the code under test
/// sees `terminal` as its TTY.
private struct PseudoTerminal: ~Copyable {
    let controller: Int32
    let terminal: Int32

    init(columns: UInt16 = 80, rows: UInt16 = 24) throws {
        var controller: Int32 = -1, terminal: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&controller, &terminal, nil, nil, &size) == 0 else { throw PTYError.openFailed(errno) }
        self.controller = controller
        self.terminal = terminal
    }

    deinit {
        close(controller)
        close(terminal)
    }

    /// Whatever is waiting to be read on `descriptor` within a short time.
    func drain(_ descriptor: Int32) -> [UInt8] {
        var collected: [UInt8] = []
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&request, 1, 200) > 0 {
            var chunk = [UInt8](repeating: 0, count: 1024)
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { break }
            collected += chunk[..<count]
        }
        return collected
    }
}

private enum PTYError: Error { case openFailed(Int32) }

private func attributes(_ descriptor: Int32) -> termios {
    var attributes = termios()
    _ = tcgetattr(descriptor, &attributes)
    return attributes
}

private func controlCharacters(_ attributes: termios) -> [UInt8] {
    withUnsafeBytes(of: attributes.c_cc) { Array($0) }
}

@Suite struct RawTerminalTests {
    @Test func enterSetsRawModeWithoutSignalsAndRestorePutsEverythingBack() throws {
        let pty = try PseudoTerminal()
        let before = attributes(pty.terminal)
        #expect(before.c_lflag & tcflag_t(ISIG) != 0)
        #expect(before.c_lflag & tcflag_t(ICANON) != 0)

        let terminal = RawTerminal(fileDescriptor: pty.terminal)
        try terminal.enter()
        #expect(terminal.isRaw)
        let raw = attributes(pty.terminal)
        #expect(raw.c_lflag & tcflag_t(ISIG | ICANON | ECHO | IEXTEN) == 0)
        #expect(raw.c_iflag & tcflag_t(IXON | ICRNL) == 0)
        #expect(raw.c_oflag & tcflag_t(OPOST) == 0)
        #expect(controlCharacters(raw)[Int(VMIN)] == 1)
        #expect(controlCharacters(raw)[Int(VTIME)] == 0)
        let entered = String(decoding: pty.drain(pty.controller), as: UTF8.self)
        #expect(entered.contains("\u{1B}[?1049h"))
        #expect(entered.contains("\u{1B}[?25l"))
        #expect(entered.contains("\u{1B}[?1000h\u{1B}[?1006h"))

        terminal.restore()
        #expect(!terminal.isRaw)
        let after = attributes(pty.terminal)
        #expect(after.c_iflag == before.c_iflag)
        #expect(after.c_oflag == before.c_oflag)
        #expect(after.c_cflag == before.c_cflag)
        #expect(after.c_lflag == before.c_lflag)
        #expect(controlCharacters(after) == controlCharacters(before))
        let restored = String(decoding: pty.drain(pty.controller), as: UTF8.self)
        #expect(restored.contains("\u{1B}[?1049l"))
        #expect(restored.contains("\u{1B}[?25h"))
        #expect(restored.contains("\u{1B}[?1000l"))

        terminal.restore()                                                     // a second call is harmless
        #expect(pty.drain(pty.controller).isEmpty)
        #expect(attributes(pty.terminal).c_lflag == before.c_lflag)
    }

    @Test func ctrlCArrivesAsAByteThatIsNoKey() throws {
        let pty = try PseudoTerminal()
        let terminal = RawTerminal(fileDescriptor: pty.terminal)
        try terminal.enter()
        defer { terminal.restore() }
        _ = pty.drain(pty.controller)
        var input: [UInt8] = [0x03, 0x1A, 0x1C, 0x31, 0x0D]                  // ^C ^Z ^\ 1 CR
        #expect(write(pty.controller, &input, input.count) == input.count)
        let received = pty.drain(pty.terminal)
        #expect(received == input)                                             // not turned into signals, CR kept
        var decoder = InputDecoder()
        #expect(decoder.feed(received) == [.text("1"), .enter])
    }

    @Test func sizeComesFromTheTerminal() throws {
        let pty = try PseudoTerminal(columns: 100, rows: 30)
        let size = RawTerminal.size(of: pty.terminal)
        #expect(size?.columns == 100)
        #expect(size?.rows == 30)
        let devNull = open("/dev/null", O_RDWR)
        defer { close(devNull) }
        #expect(RawTerminal.size(of: devNull) == nil)
    }

    @Test func enterFailsOnSomethingThatIsNotATerminal() {
        let devNull = open("/dev/null", O_RDWR)
        defer { close(devNull) }
        let terminal = RawTerminal(fileDescriptor: devNull)
        #expect(throws: RawTerminal.Failure.self) { try terminal.enter() }
        #expect(!terminal.isRaw)
    }
}
