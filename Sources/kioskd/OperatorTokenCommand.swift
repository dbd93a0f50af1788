import ArgumentParser
import Foundation
import RemoteWindow

/// `kioskd operator-token`: a new token for a hall operator. The token goes to a file only the
/// operator should read; the entry for operators.yaml (with the token's hash only) to stdout.
struct OperatorTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator-token",
        abstract: "Make a remote-window token for an operator: the token to a 0600 file, the operators.yaml entry to stdout.",
        discussion: """
        Append the printed entry under `operators:` in the remote window's operators file and reload kioskd; \
        hand the token file to the operator, who attaches with: kioskctl remote attach wss://KIOSK:PORT --token-file FILE. \
        The kiosk keeps only the token's SHA-256.
        """)

    @Option(name: .long, help: "The operator's name, shown to the citizen on the consent prompt.")
    var name: String
    @Option(name: .long, help: "observer, assistant or technician.")
    var role: Role
    @Option(name: .long, help: ArgumentHelp("Where to write the token (created with mode 0600; an existing file is refused).", valueName: "file"))
    var tokenFile: String

    func run() throws {
        let new = OperatorDirectory.makeToken()
        let descriptor = open(tokenFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ValidationError("cannot create \(tokenFile): \(String(cString: strerror(errno)))")
        }
        let written = (new.token + "\n").withCString { Glibc.write(descriptor, $0, strlen($0)) }
        close(descriptor)
        guard written > 0 else { throw ValidationError("cannot write \(tokenFile)") }
        print(new.entry(name: name, role: role), terminator: "")
    }
}

extension Role: ExpressibleByArgument {}
