import Foundation
import KioskControl
import RemoteWindow
import WireFormat

/// One kiosk watched by `kioskctl remote watch`: prints its citizens' Help (one waiting when it
/// attaches, then each new one) and its takeovers, and reconnects when the kiosk goes away.
struct HelpWatcher: Sendable {
    let url: RemoteWindowURL
    let token: String?
    let tls: RemoteWindowClient.TLSOptions
    let json: Bool

    func run() async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                try await RemoteWindowClient.session(url, token: token, tls: tls) { messages, sender in
                    try await sender.send(.commonStatus)
                    // Events that come before the kiosk said its id (a waiting Help does) wait for it.
                    var kiosk: String?
                    var early: [[String: String]] = []
                    for try await envelope in messages {
                        var event: [String: String]?
                        if envelope.header.type == .completion, envelope.header.name == CommandName.commonStatus.rawValue {
                            let id = envelope.payload?["kioskId"]?.stringValue ?? url.description
                            kiosk = id
                            emit(["event": "attached", "kiosk": id, "url": url.description])
                            for var held in early {
                                held["kiosk"] = id
                                emit(held)
                            }
                            early = []
                        } else if envelope.header.name == HelpRequest.name, let payload = envelope.payload,
                                  let help = try? HelpRequest(payload: payload) {
                            event = ["event": "help", "flow": help.flow ?? "home", "step": help.step ?? "",
                                     "language": help.language, "at": Timestamp.format(help.at)]
                        } else if envelope.header.name == TakeoverNotice.name, let payload = envelope.payload,
                                  let notice = try? TakeoverNotice(payload: payload) {
                            event = ["event": "takeover", "state": notice.state.rawValue, "by": notice.by ?? "",
                                     "reason": notice.reason ?? ""]
                        }
                        guard var event else { continue }
                        if let kiosk {
                            event["kiosk"] = kiosk
                            emit(event)
                        } else {
                            early.append(event)
                        }
                    }
                }
                emit(["event": "closed", "kiosk": url.description])
                delay = .seconds(1)
            } catch RemoteClientError.refused {
                // A wrong token does not get better by trying again.
                emit(["event": "refused", "kiosk": url.description, "error": RemoteClientError.refused.description])
                return
            } catch {
                emit(["event": "unreachable", "kiosk": url.description, "error": "\(error)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    private func emit(_ fields: [String: String]) {
        let line: String
        if json {
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        } else {
            let time = Date().formatted(date: .omitted, time: .standard)
            let kiosk = fields["kiosk"] ?? ""
            switch fields["event"] {
            case "attached": line = "\(time)  \(kiosk)  watching (\(fields["url"] ?? ""))"
            case "help": line = "\(time)  \(kiosk)  HELP requested at \(fields["flow"] ?? "")/\(fields["step"] ?? "") (\(fields["language"] ?? "")) since \(fields["at"] ?? "")"
            case "takeover": line = "\(time)  \(kiosk)  takeover \(fields["state"] ?? "")\(fields["by"].map { $0.isEmpty ? "" : " by \($0)" } ?? "")\(fields["reason"].map { $0.isEmpty ? "" : " (\($0))" } ?? "")"
            case "closed": line = "\(time)  \(kiosk)  connection closed; reconnecting"
            default: line = "\(time)  \(kiosk)  \(fields["event"] ?? ""): \(fields["error"] ?? "")"
            }
        }
        // One whole line per write, so the lines of several kiosks never interleave.
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
