import Application
import Foundation
import KioskControl
import ServiceLifecycle
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// The demo's in-process viewer: `kioskd --demo` on a terminal shows the kiosk there. Leaving it
/// (Ctrl-]) ends the demo; SIGTERM ends it too and gives the terminal back as it was.
struct ConsoleViewerService: Service {
    let runtime: KioskRuntime

    func run() async throws {
        let terminal = RawTerminal(fileDescriptor: STDIN_FILENO)
        try terminal.enter()
        defer { terminal.restore() }
        let viewer = TerminalViewer()
        if let size = viewer.size { runtime.send(.resize(columns: size.columns, rows: size.rows)) }
        let attached = runtime.screen.attach()
        defer { runtime.screen.detach(attached.id) }
        let (detached, detach) = AsyncStream<Void>.makeStream()
        let runtime = self.runtime
        Thread.detachNewThread {
            viewer.readKeys(onKey: { runtime.send(.key($0)) },
                            onResize: { runtime.send(.resize(columns: $0, rows: $1)) })
            detach.finish()
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await frame in attached.frames { viewer.draw(frame) } }
                group.addTask { for await _ in detached {} }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            viewer.stop()
        }
        viewer.stop()
    }
}
