import Application
import DeviceKit
import Flows
import Foundation
import KioskControl
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import TerminalUI

/// The control plane: a Unix socket that `kioskctl` talks to. Requests are JSON lines; a `console`
/// request turns the connection into a viewer of the kiosk's screen with full input.
public struct ControlServer: Service, Sendable {
    public let path: String
    let runtime: KioskRuntime
    let logger: Logger
    /// Longest request line accepted; a key or a status request is a few hundred bytes.
    static let maximumLineLength = 64 * 1024

    let policy: OperatorPolicy
    /// The touch panel each attached console reads, by viewer, for `kioskctl devices`.
    let consoleTouchPanels = ConsoleTouchPanels()
    /// Asks the pickup sync for a round now (`queue-flush`); nil without a platform.
    let platformSync: (@Sendable () -> Void)?

    public init(path: String, runtime: KioskRuntime, operatorGroup: String, platformSync: (@Sendable () -> Void)? = nil,
                logger: Logger) {
        self.path = path
        self.runtime = runtime
        self.logger = logger
        self.platformSync = platformSync
        policy = OperatorPolicy(groupName: operatorGroup)
    }

    /// An accepted connection and who opened it.
    struct Accepted: Sendable {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        let peer: PeerCredentials?
    }

    public func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 32)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                let credentials: EventLoopFuture<PeerCredentials?> = (channel as? SocketOptionProvider).map { provider in
                    provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
                        .flatMap { (ucred: UCred) in
                            let peer = PeerCredentials(pid: ucred.pid, uid: ucred.uid, gid: ucred.gid)
                            return provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(PeerGroups.option))
                                .map { (groups: PeerGroups) in
                                    var withGroups = peer
                                    withGroups.groups = groups.set
                                    return Optional(withGroups)
                                }
                                .recover { _ in Optional(peer) }
                        }
                } ?? channel.eventLoop.makeSucceededFuture(nil)
                return credentials.flatMapThrowing { peer in
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFrameDecoder(maximumLength: Self.maximumLineLength)))
                    return Accepted(channel: try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel),
                                    peer: peer)
                }
            }
        policy.secure(socketAt: path)
        logger.info("control socket listening", metadata: ["path": "\(path)", "group": "\(policy.groupName)"])
        try await Listener.acceptUntilShutdown(server) { await self.serve($0) }
        unlink(path)
    }

    private func serve(_ accepted: Accepted) async {
        do {
            try await accepted.channel.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                guard let peer = accepted.peer, policy.allows(peer) else {
                    logger.warning("control connection refused", metadata: ["uid": "\(accepted.peer?.uid ?? 0)", "pid": "\(accepted.peer?.pid ?? 0)"])
                    // The first request is answered with the refusal, so the client can say why; then the
                    // connection closes.
                    _ = try await lines.next()
                    try await send(ControlResponse(ok: false, error: "permission denied: only root and members of the group \(policy.groupName) may operate this kiosk"), to: outbound)
                    return
                }
                while let line = try await lines.next() {
                    let request: ControlRequest
                    switch ControlRequest.decode(line: Data(line.readableBytesView)) {
                    case .success(let decoded): request = decoded
                    case .failure(let problem):
                        try await send(ControlResponse(ok: false, error: problem.description), to: outbound)
                        continue
                    }
                    if request.command == .console {
                        try await console(request, lines: &lines, outbound: outbound)
                        return
                    }
                    try await send(await answer(request), to: outbound)
                }
            }
        } catch is CancellationError {
        } catch {
            logger.notice("control connection closed", metadata: ["error": "\(error)"])
        }
    }

    func answer(_ request: ControlRequest) async -> ControlResponse {
        switch request.command {
        case .status:
            return ControlResponse(ok: true, status: await runtime.status())
        case .devices:
            let panels = consoleTouchPanels.all.map { "console \($0.viewer): \($0.state)" }
            return ControlResponse(ok: true, devices: await runtime.devices.snapshot(), touchPanels: panels)
        case .deviceTest, .deviceReset:
            guard let id = request.device, await runtime.devices.device(id: id) != nil else {
                let known = await runtime.devices.snapshot().map(\.id).joined(separator: ", ")
                return ControlResponse(ok: false, error: "no device \"\(request.device ?? "")\"; this kiosk has: \(known)")
            }
            do throws(DeviceError) {
                if request.command == .deviceReset {
                    try await runtime.devices.reset(id: id)
                    logger.notice("device reset by an operator", metadata: ["device": "\(id)"])
                    return ControlResponse(ok: true, message: "\(id): reset")
                }
                let health = try await runtime.devices.selfTest(id: id)
                return ControlResponse(ok: health.isUsable, error: health.isUsable ? nil : "\(id): \(health)",
                                       message: "\(id): \(health)")
            } catch {
                return ControlResponse(ok: false, error: "\(id): \(error.detail) (what to do: \(error.action.rawValue))")
            }
        case .pause, .resume:
            let pause = request.command == .pause
            runtime.send(.pause(pause))
            logger.notice(pause ? "paused by an operator" : "resumed by an operator")
            return ControlResponse(ok: true, message: pause
                ? "paused: the out-of-service screen shows once the current citizen is done"
                : "resumed: the kiosk serves citizens again")
        case .reload:
            switch runtime.reloadContent() {
            case .success(let message): return ControlResponse(ok: true, message: message)
            case .failure(let problems): return ControlResponse(ok: false, error: "kept the running flows and texts; the new ones have problems:\n\(problems)")
            }
        case .metrics:
            return ControlResponse(ok: true, metrics: await runtime.metricsText())
        case .printerTest, .printerReprint:
            return await answerPrinter(request)
        case .remote:
            return ControlResponse(ok: true, remote: runtime.remoteWindow?.status ?? .notConfigured)
        case .queue, .queueList, .queueRetry, .queueExport, .queueFlush:
            return answerQueue(request)
        case .sim:
            return answerSimulator(request)
        case .console:
            // A console request turns the connection into a viewer before it gets here.
            return ControlResponse(ok: false, error: "console is answered with the screen, not a reply")
        }
    }

    private func answerSimulator(_ request: ControlRequest) -> ControlResponse {
        guard let simulator = runtime.simulator else { return ControlResponse(ok: false, error: SimulatorError.notADemo.description) }
        switch request.action {
        case .enqueue:
            return simulateEnqueue(count: request.count ?? 1)
        case .hang where request.device == ControlRequest.sessionLoop:
            runtime.send(.wedgeLoop)
            return ControlResponse(ok: true, message: "the session loop will hang")
        default:
            break
        }
        guard let action = request.simulatorAction else {
            guard let named = request.action else {
                return ControlResponse(ok: false, error: "sim needs an action: \(SimulatorCommand.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return ControlResponse(ok: false, error: "sim \(named.rawValue) needs more: a code to scan, a printer command, or a device to hang")
        }
        switch simulator.perform(action) {
        case .success(let message): return ControlResponse(ok: true, message: message)
        case .failure(let error): return ControlResponse(ok: false, error: error.description)
        }
    }

    /// Streams the screen to the client and takes its keys until either side closes.
    private func console(_ request: ControlRequest, lines: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
                         outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        if let columns = request.columns, let rows = request.rows {
            runtime.send(.resize(columns: columns, rows: rows))
        }
        let viewer = runtime.screen.attach()
        defer { runtime.screen.detach(viewer.id) }
        logger.info("console attached", metadata: ["viewer": "\(viewer.id)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in viewer.frames {
                    try await send(ConsoleMessage(frame: String(decoding: frame, as: UTF8.self)), to: outbound)
                }
            }
            while let line = try await lines.next() {
                guard let message = try? JSONDecoder().decode(ConsoleMessage.self, from: Data(line.readableBytesView)) else { continue }
                if let key = message.key { runtime.send(.key(key)) }
                if let columns = message.columns, let rows = message.rows { runtime.send(.resize(columns: columns, rows: rows)) }
                if let panel = message.touchPanel {
                    let state = Sanitizer.clean(String(panel.prefix(200)))
                    logger.notice("console touch panel", metadata: ["viewer": "\(viewer.id)", "panel": "\(state)"])
                    consoleTouchPanels.set(state, viewer: viewer.id)
                }
            }
            group.cancelAll()
        }
        consoleTouchPanels.remove(viewer: viewer.id)
        logger.info("console detached", metadata: ["viewer": "\(viewer.id)"])
    }

    private func send(_ value: some Encodable, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        var data = try JSONEncoder().encode(value)
        data.append(UInt8(ascii: "\n"))
        try await outbound.write(ByteBuffer(bytes: data))
    }
}

/// What each attached console says of its touch panel, while it is attached.
final class ConsoleTouchPanels: Sendable {
    private let states = Mutex<[Int: String]>([:])

    func set(_ state: String, viewer: Int) { states.withLock { $0[viewer] = state } }
    func remove(viewer: Int) { states.withLock { _ = $0.removeValue(forKey: viewer) } }
    var all: [(viewer: Int, state: String)] { states.withLock { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } } }
}
