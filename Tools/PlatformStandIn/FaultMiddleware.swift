import Hummingbird
import Logging
import NIOCore

/// Carries out the decisions of ``FaultInjector`` on `/v1` requests, and counts them.
///
/// - `fail` answers 503 and `throttle` 429 with `Retry-After`, before anything is processed.
/// - `drop` closes the TCP connection with no HTTP answer at all, either before the request is
///   processed or after the route has finished (for events: after the batch was committed).
///
/// ## Dropping a connection in Hummingbird 2
///
/// Hummingbird writes whatever a responder returns, and turns every error into a 500, so neither
/// returning nor throwing loses an answer. The channel does: ``StandInContext`` keeps
/// `ApplicationRequestContextSource.channel`, and closing it (`close(mode: .all)`) ends the TCP
/// connection (with a reset when request bytes are still unread). Hummingbird's
/// `HTTPChannelHandler.handleHTTP` then fails to write the response it is handed, logs that at
/// trace level and ends the connection's task, so nothing reaches the client, which sees the
/// connection closed before an answer, as after a network failure. The tests check this with
/// AsyncHTTPClient (`HTTPClientError.remoteConnectionClosed`).
struct FaultMiddleware: RouterMiddleware {
    typealias Context = StandInContext
    let injector: FaultInjector
    let stats: StatsRecorder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        stats.countRequest()
        let (decision, latency) = injector.decide()
        if latency > 0 {
            try await Task.sleep(for: .milliseconds(latency))
        }
        switch decision {
        case .none:
            return try await next(request, context)
        case .fail:
            stats.countFault("failure")
            throw ProblemError(.serviceUnavailable, "service unavailable", detail: "injected failure; retry later")
        case .throttle(let seconds):
            stats.countFault("throttle")
            throw ProblemError(
                .tooManyRequests, "too many requests", detail: "injected throttling; retry after \(seconds) s",
                headers: [.retryAfter: String(seconds)])
        case .drop(.beforeProcessing):
            stats.countFault(FaultInjector.DropPhase.beforeProcessing.rawValue)
            try await drop(context)
        case .drop(.afterProcessing):
            // Whatever the route did stays done; only its answer is lost.
            _ = try? await next(request, context)
            stats.countFault(FaultInjector.DropPhase.afterProcessing.rawValue)
            try await drop(context)
        }
    }

    /// Closes the connection and ends the request without an answer.
    private func drop(_ context: Context) async throws -> Never {
        context.logger.debug("injected fault: dropping the connection")
        try? await context.channel.close(mode: .all)
        throw ConnectionDropped()
    }
}
