import Application
import DeviceKit
import Flows
import Foundation
import KioskDaemon
import Outbox
import RemoteWindow
import ScreenModel
import Testing

/// The remote window as the citizen meets it, over real sockets: Help reaches the operators, the
/// chat shows in the side panel, the takeover waits for the citizen's key and ends with F12, and
/// `Identity.Verify` asks the citizen for the document and masks it unless consented.
@Suite struct RemoteAssistanceServerTests {
    typealias Remote = RemoteWindowServerTests.Remote

    static func command(_ name: String, _ requestId: Int, _ payload: String = "{}") -> String {
        #"{"header":{"name":""# + name + #"","requestId":\#(requestId),"type":"command","version":"1.0"},"payload":\#(payload)}"#
    }

    /// Waits until the kiosk's own screen shows `text` (or stops showing it).
    static func screen(of runtime: KioskRuntime, shows text: String, _ wanted: Bool = true) async throws -> Bool {
        for _ in 0..<150 {
            if let buffer = runtime.screen.currentFrame?.buffer {
                let all = (0..<buffer.rows).map { buffer.text(ofRow: $0) }.joined(separator: "\n")
                    .replacingOccurrences(of: " ", with: "")
                if all.contains(text.replacingOccurrences(of: " ", with: "")) == wanted { return true }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func assistRequests(_ store: KioskStore) throws -> Int {
        try store.items(limit: 1000).filter { $0.type == .assistRequest }.count
    }

    @Test(.timeLimit(.minutes(2))) func helpChatTakeoverAndIdentityCheckFromTheCitizensSide() async throws {
        try await Remote.with { remote in
            let runtime = remote.kiosk.app.runtime
            let port = remote.port

            // Help with nobody attached is queued for the platform's staff.
            runtime.send(.key(.function(1)))
            #expect(try await Self.screen(of: runtime, shows: "已为您呼叫工作人员"))
            #expect(try Self.assistRequests(runtime.store) == 1)
            runtime.send(.key(.text("1")))
            #expect(try await Self.screen(of: runtime, shows: "已为您呼叫工作人员", false))

            let wang = try await onOwnThread { try WebSocketClient.connect(port: port, token: RemoteWindowServerTests.assistant.token) }
            defer { wang.close() }
            let second = try await onOwnThread { try WebSocketClient.connect(port: port, token: RemoteWindowServerTests.technician.token) }
            defer { second.close() }
            _ = try await onOwnThread { try wang.readUntil { $0.json?.name == "Remote.Frame" } }

            // Help with operators attached reaches them at once, and the kiosk says so.
            runtime.send(.key(.function(1)))
            let help = try await onOwnThread { try wang.readUntil { $0.json?.name == "Remote.HelpRequested" }.last?.json }
            #expect(help?.payload["language"] as? String == "zh-Hans")
            #expect(try await Self.screen(of: runtime, shows: "工作人员已经收到您的求助"))
            #expect(try Self.assistRequests(runtime.store) == 1)

            // Chat both ways: the operator's line in the side panel, the citizen's reply to the operator.
            try await onOwnThread { try wang.send(Self.command("Remote.Chat", 1, #"{"text":"您好，我是王芳"}"#)) }
            #expect(try await Self.screen(of: runtime, shows: "您好，我是王芳"))
            #expect(try await Self.screen(of: runtime, shows: "（或按 F3）"))
            for key: Key in [.function(3), .text("好"), .text("的"), .enter] { runtime.send(.key(key)) }
            let reply = try await onOwnThread {
                try wang.readUntil { $0.json?.name == "Remote.ChatMessage" && $0.json?.payload["from"] as? String == "citizen" }.last?.json
            }
            #expect(reply?.payload["text"] as? String == "好的")

            // The takeover asks the citizen on the kiosk; only "1" there grants it.
            try await onOwnThread {
                try wang.send(Self.command("Remote.RequestTakeover", 2))
                _ = try wang.readUntil { $0.json?.name == "Remote.TakeoverState" && $0.json?.payload["state"] as? String == "requested" }
            }
            #expect(try await Self.screen(of: runtime, shows: "远程协助请求"))
            #expect(remote.server.hub.consent.holder == nil)
            runtime.send(.key(.text("1")))
            let granted = try await onOwnThread { try wang.completion(requestId: 2) }
            #expect(granted.payload["completionCode"] as? String == "success")
            #expect(try await Self.screen(of: runtime, shows: "工作人员王芳正在远程协助您"))

            // Identity.Verify: the citizen is asked for the document; the holder of the takeover
            // sees it whole, another operator masked.
            try await onOwnThread {
                try wang.send(Self.command("Identity.Verify", 3))
                try second.send(Self.command("Identity.Verify", 4))
            }
            #expect(try await Self.screen(of: runtime, shows: "请您把身份证件放到读卡区"))
            let simulator = try #require(runtime.simulator)
            _ = simulator.perform(.insertCard(SimulatedIdentities.residentID))
            let full = try await onOwnThread { try wang.readUntil { $0.json?.name == "Remote.IdentityResult" }.last?.json }
            #expect(full?.payload["unmasked"] as? Bool == true)
            #expect((full?.payload["full"] as? [String: Any])?["number"] as? String == "460100199001010027")
            let masked = try await onOwnThread { try second.readUntil { $0.json?.name == "Remote.IdentityResult" } }
            #expect(masked.last?.json?.payload["unmasked"] as? Bool == false)
            #expect(masked.last?.json?.payload["maskedNumber"] as? String == "4601**********0027")
            #expect(!masked.map(\.text).joined().contains("460100199001010027"))
            #expect(!masked.map(\.text).joined().contains("测试样"))

            // F12 on the kiosk ends the takeover; every operator is told why.
            runtime.send(.key(.function(12)))
            let ended = try await onOwnThread {
                try wang.readUntil { $0.json?.name == "Remote.TakeoverState" && $0.json?.payload["state"] as? String == "ended" }.last?.json
            }
            #expect(ended?.payload["reason"] as? String == "citizen")
            #expect(try await Self.screen(of: runtime, shows: "正在远程协助您", false))
            #expect(remote.server.hub.consent.holder == nil)
        }
    }
}
