import Foundation
import Logging
import TerminalUI

/// kioskd's log lines on stderr. Under systemd (`$JOURNAL_STREAM` set) each line starts with its
/// syslog priority as `<N>` (sd-daemon(3)), so `journalctl -p warning` works, and journald adds the
/// time itself; elsewhere lines carry a timestamp. Metadata is written as sorted `key=value`
/// pairs, every value sanitised so an outside string cannot inject a line or a terminal command.
public struct KioskLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let forJournal: Bool

    public init(label: String, level: Logger.Level, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        logLevel = level
        forJournal = environment["JOURNAL_STREAM"].map { !$0.isEmpty } ?? false
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(event.level, event.message, event.metadata, source: event.source).utf8))
    }

    /// One line, ending in a newline.
    public func line(_ level: Logger.Level, _ message: Logger.Message, _ extra: Logger.Metadata?, source: String) -> String {
        let merged = metadata.merging(extra ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Sanitizer.clean("\($0.value)"))" }
        let text = ([Sanitizer.clean(message.description)] + fields).joined(separator: " ")
        if forJournal { return "<\(Self.priority(level))>\(text) [\(source)]\n" }
        return "\(Date().formatted(.iso8601)) \(level) \(label): \(text) [\(source)]\n"
    }

    /// syslog priorities: 2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .critical: 2
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        case .debug, .trace: 7
        }
    }
}
