import ArgumentParser
import Foundation
import KioskControl
import RemoteWindow
import Synchronization

/// `kioskctl remote`: the hall operator's side of the remote window.
struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Help citizens at kiosks remotely: attach to a kiosk's screen, watch kiosks for Help, list who is attached.",
        subcommands: [RemoteAttach.self, RemoteWatch.self, RemoteList.self])
}

/// How an operator proves who they are to a kiosk.
struct OperatorCredentials: ParsableArguments {
    @Option(name: .long, help: "A file holding this operator's token (from `kioskd operator-token`), readable only by you.")
    var tokenFile: String?
    @Option(name: .long, help: "The hall's CA certificate (PEM) that the kiosk's certificate must chain to (wss://).")
    var caFile: String?
    @Option(name: .long, help: "This operator's client certificate (PEM), when the kiosk accepts certificates instead of tokens.")
    var certificate: String?
    @Option(name: .long, help: "The key of --certificate (PEM).")
    var key: String?

    func validate() throws {
        if tokenFile == nil && certificate == nil {
            throw ValidationError("give --token-file FILE, or --certificate and --key")
        }
        if (certificate == nil) != (key == nil) { throw ValidationError("--certificate and --key go together") }
    }

    func token() throws -> String? {
        guard let tokenFile else { return nil }
        guard let data = FileManager.default.contents(atPath: tokenFile),
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw ValidationError("cannot read a token from \(tokenFile)")
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: tokenFile))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            FileHandle.standardError.write(Data("kioskctl: warning: \(tokenFile) can be read by others; chmod 600 it\n".utf8))
        }
        return text
    }

    var tls: RemoteWindowClient.TLSOptions {
        RemoteWindowClient.TLSOptions(caFile: caFile, certificateFile: certificate, keyFile: key)
    }
}

struct RemoteAttach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Show a kiosk's screen here, chat with the citizen, and with their consent drive the kiosk.",
        discussion: """
        The kiosk's screen fills the top of this terminal (personal data masked until the citizen consents); \
        below it are the takeover state, the chat and a command line. Type a line and press Enter to chat. Commands:
          /takeover        ask the citizen to let you drive the kiosk (they answer on the kiosk)
          /drive           send every key to the kiosk (after the citizen said yes); Ctrl-] returns here
          /key K [K...]    send keys: a character, Enter, Escape, Backspace, Tab, Arrow*, F1-F12
          /end             give the kiosk back to the citizen
          /verify          read the citizen's document at the kiosk (masked unless they consented)
          /status          the kiosk's devices;  /reset DEVICE;  /testprint [PRINTER]
          /quit            leave (Ctrl-] or Ctrl-D too)
        """)

    @Argument(help: "The kiosk's remote window, e.g. wss://kiosk-12.hall:8443 (ws:// on loopback only).")
    var url: String
    @OptionGroup var credentials: OperatorCredentials

    func run() throws {
        let address = try remoteWindowURL(url)
        let token = try credentials.token()
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ValidationError("remote attach needs a terminal; use `remote watch` in scripts")
        }
        try runBlocking { try await RemoteConsole(url: address, token: token, tls: credentials.tls).run() }
    }
}

struct RemoteWatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch one or more kiosks and print each citizen's Help as it comes (and any waiting now), with takeovers.",
        discussion: "Reconnects by itself when a kiosk goes away. One line per event; --json prints JSON lines for scripts.")

    @Argument(help: "The kiosks' remote windows.")
    var urls: [String]
    @OptionGroup var credentials: OperatorCredentials
    @Flag(name: .long, help: "Print JSON lines.")
    var json = false

    func validate() throws {
        if urls.isEmpty { throw ValidationError("name at least one kiosk, e.g. wss://kiosk-12.hall:8443") }
    }

    func run() throws {
        let addresses = try urls.map(remoteWindowURL)
        let token = try credentials.token()
        let tls = credentials.tls
        let json = json
        try runBlocking {
            await withTaskGroup(of: Void.self) { group in
                for address in addresses {
                    group.addTask { await HelpWatcher(url: address, token: token, tls: tls, json: json).run() }
                }
            }
        }
    }
}

struct RemoteList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show who is attached to this kiosk's remote window, the takeover, and a Help waiting for an operator.")

    @OptionGroup var kiosk: KioskQuery

    func run() throws {
        try kiosk.show(ControlRequest(command: .remote), \.remote, as: Self.text)
    }

    static func text(_ remote: RemoteWindowStatus) -> String {
        guard remote.configured else { return "This kiosk has no remote window (no remote: section in kiosk.yaml)." }
        var lines = ["Takeover: \(remote.takeover)\(remote.takeoverBy.map { " (\($0))" } ?? "")"]
        if let help = remote.waitingHelp {
            lines.append("Help waiting since \(help.at.formatted(date: .omitted, time: .standard)): \(help.flow ?? "home")/\(help.step ?? "-"), \(help.language)")
        } else {
            lines.append("No Help waiting.")
        }
        if remote.operators.isEmpty {
            lines.append("No operator attached.")
        } else {
            lines.append("Attached:")
            lines += remote.operators.map { "  #\($0.connection)  \($0.name)  (\($0.role))" }
        }
        return lines.joined(separator: "\n")
    }
}

/// Reads a remote window address or fails as wrong usage.
private func remoteWindowURL(_ text: String) throws -> RemoteWindowURL {
    do { return try RemoteWindowURL(text) } catch { throw ValidationError(error.description) }
}

/// Runs async work from a synchronous command, on the cooperative pool, waiting on this thread.
func runBlocking(_ work: @escaping @Sendable () async throws -> Void) throws {
    let outcome = Mutex<(any Error)?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        do { try await work() } catch { outcome.withLock { $0 = error } }
        done.signal()
    }
    done.wait()
    guard let error = outcome.withLock({ $0 }) else { return }
    if error is ExitCode || error is ValidationError { throw error }
    FileHandle.standardError.write(Data("kioskctl: \(error)\n".utf8))
    throw ExitCode.failure
}
