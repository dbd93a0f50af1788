import NIOCore
import ServiceLifecycle

/// The one accept loop of kioskd's listeners (the control socket, the remote window, the metrics
/// endpoint): every accepted connection is served in a child task until graceful shutdown closes
/// the listening socket; connections still open then are cancelled. Limits that every listener
/// needs belong here, so each gets them alike.
enum Listener {
    static func acceptUntilShutdown<Connection: Sendable>(
        _ server: NIOAsyncChannel<Connection, Never>,
        alongside: (@Sendable () async -> Void)? = nil,
        serve: @escaping @Sendable (Connection) async -> Void
    ) async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                if let alongside { group.addTask { await alongside() } }
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }
}

/// Closes a connection when `IdleStateHandler` reports it idle, so a stalled client cannot hold a
/// connection open forever.
final class CloseWhenIdle: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
