import Foundation
import KioskControl
import RemoteWindow
import ScreenModel
import TerminalUI
import WireFormat

/// `kioskctl remote attach`: the kiosk's screen at the top of the operator's terminal, and below it
/// the takeover, Help, the chat and a command line. Lines are chat; `/commands` act.
struct RemoteConsole: Sendable {
    let url: RemoteWindowURL
    let token: String?
    let tls: RemoteWindowClient.TLSOptions

    enum Input: Sendable {
        case key(Key)
        case resize(columns: Int, rows: Int)
        /// Ctrl-]: leave drive mode, or leave.
        case detach
        case endOfInput
    }

    func run() async throws {
        let terminal = RawTerminal(fileDescriptor: STDIN_FILENO)
        try terminal.enter()
        defer {
            terminal.restore()
            // Below whatever was drawn, in the plain style.
            FileHandle.standardOutput.write(Data("\u{1B}[0m\r\n".utf8))
        }
        let viewer = TerminalViewer()
        let (inputs, continuation) = AsyncStream<Input>.makeStream()
        let reader = Thread {
            while true {
                let end = viewer.readKeys(onKey: { continuation.yield(.key($0)) },
                                          onResize: { continuation.yield(.resize(columns: $0, rows: $1)) })
                switch end {
                case .detached: continuation.yield(.detach)
                case .endOfInput, .stopped:
                    continuation.yield(.endOfInput)
                    continuation.finish()
                    return
                }
            }
        }
        reader.start()
        defer { viewer.stop() }
        let size = viewer.size ?? (80, 40)
        let view = RemoteConsoleView(url: url, columns: size.columns, rows: size.rows)
        await view.draw()
        try await RemoteWindowClient.session(url, token: token, tls: tls) { messages, sender in
            try await sender.send(.commonStatus)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await envelope in messages { await view.apply(envelope) }
                    await view.note("the kiosk closed the connection")
                }
                group.addTask {
                    for await input in inputs {
                        let (commands, quit) = await view.handle(input)
                        for command in commands { try await sender.send(command) }
                        if quit { return }
                    }
                }
                // Whichever ends first ends the attachment.
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

/// The operator console's state and drawing. One actor, so messages and keys take turns.
///
/// The kiosk's frames are decoded into a copy of its screen, and the whole console (that copy on
/// top, the console's lines below) is drawn with the kiosk's own encoder: the operator's terminal
/// gets only bytes this program made, and a resize is one full redraw.
actor RemoteConsoleView {
    let url: RemoteWindowURL
    var terminalColumns: Int
    var terminalRows: Int
    var kiosk: FrameDecoder?
    /// What the operator's terminal shows now; nil: unknown, draw in full.
    var shown: CellBuffer?
    var kioskID: String?
    var takeover = TakeoverNotice(state: .none)
    var help: HelpRequest?
    var chat: [String] = []
    var message = "Type to chat; /takeover, /drive, /key K, /end, /verify, /status, /quit. Ctrl-] leaves."
    var line = ""
    var driving = false
    var myName: String?
    static let chatRows = 3

    init(url: RemoteWindowURL, columns: Int, rows: Int) {
        self.url = url
        terminalColumns = columns
        terminalRows = rows
    }

    var kioskRows: Int { kiosk?.buffer.rows ?? 24 }
    var kioskColumns: Int { kiosk?.buffer.columns ?? 80 }

    func apply(_ envelope: Envelope) {
        let payload = envelope.payload ?? [:]
        switch envelope.header.name {
        case FrameMessage.name:
            if let frame = try? FrameMessage(payload: payload) {
                if frame.full || kiosk?.buffer.columns != frame.columns || kiosk?.buffer.rows != frame.rows {
                    guard (1...500).contains(frame.columns), (1...300).contains(frame.rows) else { break }
                    kiosk = FrameDecoder(columns: frame.columns, rows: frame.rows)
                }
                kiosk?.apply(frame.data)
            }
        case ChatLine.name:
            if let chatLine = try? ChatLine(payload: payload) {
                let who: String
                switch chatLine.from {
                case .citizen: who = "citizen"
                case .operator(let name): who = name == myName ? "you" : name
                }
                chat.append("\(who): \(chatLine.text)")
                if case .citizen = chatLine.from { write([0x07]) }  // BEL: the citizen wrote
            }
        case TakeoverNotice.name:
            if let notice = try? TakeoverNotice(payload: payload) {
                takeover = notice
                switch notice.state {
                case .requested: message = "asked the citizen; they answer on the kiosk"
                case .granted: message = "the citizen said yes" + (notice.by == myName ? ": /drive to drive the kiosk, /end to give it back" : "")
                case .declined: message = "the citizen said no"
                case .ended: message = "takeover ended (\(notice.reason ?? ""))"
                case .none: break
                }
                if notice.state != .granted || notice.by != myName { driving = false }
                if notice.state == .granted { help = nil }
            }
        case HelpRequest.name:
            help = try? HelpRequest(payload: payload)
            write([0x07])
        case IdentityResult.name:
            message = Self.describeIdentity(payload)
        default:
            if envelope.header.type == .completion { complete(envelope.header.name, payload) }
        }
        drawPanel()
    }

    func note(_ text: String) {
        message = text
        drawPanel()
    }

    private func complete(_ name: String, _ payload: JSONObject) {
        guard let completion = try? Completion(payload: payload) else { return }
        if name == CommandName.commonStatus.rawValue {
            kioskID = completion.result["kioskId"]?.stringValue
            myName = completion.result["operator"]?.objectValue?["name"]?.stringValue
            return
        }
        guard completion.code == .success else {
            message = "\(name): \(completion.code.rawValue)\(completion.errorCode.map { " \($0.rawValue)" } ?? "")"
                + (completion.errorDescription.map { ": \($0)" } ?? "")
            return
        }
        if name == CommandName.deviceStatus.rawValue, let devices = completion.result["devices"]?.arrayValue {
            message = devices.compactMap(\.objectValue).map { device in
                "\(device["id"]?.stringValue ?? "?"): \(device["state"]?.stringValue ?? "?")" + (device["reason"]?.stringValue.map { " (\($0))" } ?? "")
            }.joined(separator: ", ")
        } else if name != CommandName.input.rawValue && name != CommandName.chat.rawValue {
            message = "\(name): done"
        }
    }

    static func describeIdentity(_ payload: JSONObject) -> String {
        let kind = payload["kind"]?.stringValue ?? "document"
        if let full = payload["full"]?.objectValue {
            return "identity (consented): \(kind) \(full["number"]?.stringValue ?? "") \(full["name"]?.stringValue ?? full["latinName"]?.stringValue ?? "")"
        }
        let valid = payload["numberValid"]?.boolValue.map { $0 ? ", check digit ok" : ", CHECK DIGIT WRONG" } ?? ""
        return "identity (masked): \(kind) \(payload["maskedNumber"]?.stringValue ?? "") \(payload["maskedName"]?.stringValue ?? "")\(valid)"
    }

    /// A key from the operator: the commands to send, and whether to leave.
    func handle(_ input: RemoteConsole.Input) -> ([OperatorCommand], quit: Bool) {
        defer { drawPanel() }
        switch input {
        case .endOfInput:
            return ([], true)
        case .resize(let columns, let rows):
            terminalColumns = columns
            terminalRows = rows
            shown = nil
            return ([], false)
        case .detach:
            if driving {
                driving = false
                message = "stopped driving; your keys are yours again"
                return ([], false)
            }
            return ([], true)
        case .key(let key):
            if driving {
                guard let remoteKey = Self.remoteKey(key) else { return ([], false) }
                return ([.input(remoteKey)], false)
            }
            switch key {
            case .text(let text):
                if text == "\u{04}" { return ([], true) }
                line += Sanitizer.clean(text)
            case .backspace:
                if !line.isEmpty { line.removeLast() }
            case .enter:
                let entered = line.trimmingCharacters(in: .whitespaces)
                line = ""
                return command(entered)
            default:
                break
            }
            return ([], false)
        }
    }

    private func command(_ entered: String) -> ([OperatorCommand], quit: Bool) {
        guard !entered.isEmpty else { return ([], false) }
        guard entered.hasPrefix("/") else { return ([.chat(text: entered)], false) }
        let words = entered.dropFirst().split(separator: " ").map(String.init)
        switch words.first ?? "" {
        case "quit", "q": return ([], true)
        case "takeover": return ([.requestTakeover], false)
        case "end": return ([.endTakeover], false)
        case "drive":
            guard takeover.state == .granted, takeover.by == myName else {
                message = "you can drive only after the citizen said yes to your /takeover"
                return ([], false)
            }
            driving = true
            return ([], false)
        case "key":
            let keys = words.dropFirst().compactMap { RemoteKey($0) }
            if keys.count != words.count - 1 || keys.isEmpty { message = "keys: a character, Enter, Escape, Backspace, Tab, ArrowUp…, F1–F12" }
            return (keys.map { .input($0) }, false)
        case "verify": return ([.identityVerify], false)
        case "status": return ([.deviceStatus], false)
        case "reset":
            guard words.count == 2 else { message = "/reset DEVICE"; return ([], false) }
            return ([.deviceReset(device: words[1])], false)
        case "testprint": return ([.deviceTestPrint(device: words.count > 1 ? words[1] : nil)], false)
        default:
            message = "unknown command \(words.first ?? ""); /takeover /drive /key /end /verify /status /reset /testprint /quit"
            return ([], false)
        }
    }

    static func remoteKey(_ key: Key) -> RemoteKey? {
        switch key {
        case .text(let text): RemoteKey(text)
        case .enter: .enter
        case .escape: .escape
        case .backspace: .backspace
        case .delete: .delete
        case .tab: .tab
        case .up: .arrowUp
        case .down: .arrowDown
        case .left: .arrowLeft
        case .right: .arrowRight
        case .home: .home
        case .end: .end
        case .pageUp: .pageUp
        case .pageDown: .pageDown
        case .function(let number): .function(number)
        case .tap, .touch: nil
        }
    }

    // MARK: Drawing

    /// The console's first row (0-based): under the kiosk's screen, or as low as this terminal allows.
    var panelTop: Int { max(0, min(kioskRows, terminalRows - Self.panelRows)) }
    static let panelRows = 3 + chatRows

    func draw() { drawPanel() }

    /// Composes the console (the kiosk's screen, then the console's lines) and draws what changed.
    private func drawPanel() {
        var screen = CellBuffer(columns: terminalColumns, rows: terminalRows)
        if let kiosk { screen.copy(kiosk.buffer, rows: panelTop) }
        var state = "takeover: \(takeover.state.rawValue)"
        if let by = takeover.by, takeover.state == .requested || takeover.state == .granted { state += " (\(by == myName ? "you" : by))" }
        var status = "── \(kioskID ?? url.description) │ \(state)"
        if let help { status += " │ HELP at \(help.flow ?? "home")/\(help.step ?? "-") (\(help.language))" }
        let recent = chat.suffix(Self.chatRows)
        let prompt = driving ? "DRIVING: your keys go to the kiosk. Ctrl-] stops." : "> " + line
        var lines: [(String, Style)] = [(status, Style(inverse: true))]
        lines += (recent + Array(repeating: "", count: Self.chatRows - recent.count)).map { ($0, Style.plain) }
        lines += [(message, Style(dim: true)), (prompt, Style(bold: driving))]
        for (offset, (text, style)) in lines.enumerated() {
            let row = panelTop + offset
            if offset == 0 { screen.fill(Rect(column: 0, row: row, columns: terminalColumns, rows: 1), style: style) }
            screen.put(TextLayout.truncate(text, width: terminalColumns), column: 0, row: row, style: style)
        }
        var bytes = if let shown, shown.columns == screen.columns, shown.rows == screen.rows {
            FrameEncoder.diff(from: shown, to: screen)
        } else {
            FrameEncoder.fullFrame(screen)
        }
        shown = screen
        // The cursor waits at the end of the command line.
        let cursorColumn = min(terminalColumns, displayWidth(of: TextLayout.truncate(prompt, width: terminalColumns)) + 1)
        bytes += Array("\u{1B}[\(panelTop + lines.count);\(cursorColumn)H".utf8)
        write(bytes)
    }

    private func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
