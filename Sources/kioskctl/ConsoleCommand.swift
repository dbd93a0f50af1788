import ArgumentParser
import Foundation
import KioskControl
import TerminalUI

struct Console: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the kiosk's screen here and drive it with this keyboard. Ctrl-] leaves.",
        discussion: "This is how the kiosk's own display runs it (on tty1 under kmscon), and how an operator looks in.")

    @OptionGroup var connection: Connection

    func run() throws {
        guard TerminalViewer.isTerminal(STDIN_FILENO), TerminalViewer.isTerminal(STDOUT_FILENO) else {
            FileHandle.standardError.write(Data("kioskctl console: run this on a terminal\n".utf8))
            throw ExitCode.failure
        }
        let client = try connection.connect()
        let viewer = TerminalViewer()
        let size = viewer.size ?? (80, 24)
        try client.send(ControlRequest(command: .console, columns: size.columns, rows: size.rows))
        let terminal = RawTerminal(fileDescriptor: STDIN_FILENO)
        try terminal.enter()
        defer { terminal.restore() }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while let message = try? client.readConsoleMessage() {
                if let frame = message.frame { viewer.draw(Array(frame.utf8)) }
            }
            viewer.stop()
            done.signal()
        }
        viewer.readKeys(onKey: { try? client.send(ConsoleMessage(key: $0)) },
                        onResize: { try? client.send(ConsoleMessage(columns: $0, rows: $1)) })
        client.shutdownConnection()
        done.wait()
    }
}
