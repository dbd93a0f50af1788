import ArgumentParser
import Foundation
import KioskControl
import OutboxStatus

/// `kioskctl queue`: the upload backlog, as a hall operator watches and steers it.
struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Show the upload queue: counts by state and the age of the oldest waiting item.",
        subcommands: [Show.self, List.self, Retry.self, Export.self, Flush.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Counts by state and the oldest waiting item's age.")
        @OptionGroup var kiosk: KioskQuery

        func run() throws {
            try kiosk.show(ControlRequest(command: .queue), \.queue) { queue in
                table(["PENDING", "IN-FLIGHT", "RETRY", "DEAD", "DELIVERED", "OLDEST WAITING"], [[
                    "\(queue.pending)", "\(queue.inFlight)", "\(queue.retry)", "\(queue.dead)", "\(queue.delivered)",
                    queue.oldestPendingAgeSeconds.map(PlatformText.age) ?? "-",
                ]])
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List items, oldest first, with why each last failed.")
        @OptionGroup var kiosk: KioskQuery
        @Option(name: .long, help: "Only this state: pending, in-flight, retry, dead or delivered.") var state: String?
        @Option(name: .long, help: "At most this many items.") var limit = 100

        func run() throws {
            try kiosk.show(ControlRequest(command: .queueList, state: state, count: limit), { $0.items ?? [] }) { items in
                guard !items.isEmpty else { return "no items\(state.map { " in state \($0)" } ?? "")" }
                return table(["ID", "TYPE", "STATE", "ATTEMPTS", "OCCURRED", "LAST ERROR"], items.map { item in
                    [item.id, item.type, item.state, "\(item.attempts)", PlatformText.time(item.occurredAt), item.lastError ?? "-"]
                })
            }
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a dead item again, or every dead item.")
        @OptionGroup var kiosk: KioskQuery
        @Argument(help: "The dead item's id.") var id: String?
        @Flag(name: .customLong("all-dead"), help: "Every dead item.") var allDead = false

        func validate() throws {
            if (id == nil) == !allDead { throw ValidationError("give one dead item's id, or --all-dead") }
        }

        func run() throws { try kiosk.perform(ControlRequest(command: .queueRetry, id: id, all: allDead ? true : nil)) }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write items as JSON lines to a file (mode 0600) for the platform team.",
            discussion: "Sealed payloads stay sealed (base64, with their key id); the file never holds them in the clear.")
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "Only this state; dead unless given.") var state = "dead"
        @Argument(help: "The file to write; it must not exist yet.") var file: String

        func run() throws {
            let items = try connection.send(ControlRequest(command: .queueExport, state: state)).items ?? []
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            var data = Data()
            for item in items {
                data.append(try encoder.encode(item))
                data.append(UInt8(ascii: "\n"))
            }
            let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard descriptor >= 0 else {
                FileHandle.standardError.write(Data("kioskctl: cannot create \(file): \(String(cString: strerror(errno)))\n".utf8))
                throw ExitCode.failure
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            print("wrote \(items.count) \(state) item(s) to \(file)")
        }
    }

    struct Flush: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send everything waiting now, and wait with a progress bar until the backlog is delivered.",
            discussion: "Exit code 1 when the backlog stops shrinking for --stall-seconds (the platform is unreachable, say).")
        @OptionGroup var connection: Connection
        @Option(name: .long, help: "Give up when nothing was delivered for this long.") var stallSeconds = 60
        @Flag(name: .long, help: "Print one JSON line per second instead of a bar.") var json = false

        func run() throws {
            guard let first = try connection.send(ControlRequest(command: .queueFlush)).queue else { throw ExitCode.failure }
            let total = max(first.pending + first.inFlight + first.retry, 1)
            var lastBacklog = Int.max
            var lastProgress = Date()
            let interactive = isatty(STDOUT_FILENO) == 1
            while true {
                guard let queue = try connection.send(ControlRequest(command: .queue)).queue else { throw ExitCode.failure }
                let backlog = queue.pending + queue.inFlight + queue.retry
                if json {
                    print(String(decoding: try JSONEncoder().encode(queue), as: UTF8.self))
                } else {
                    let line = PlatformText.bar(done: max(0, total - backlog), total: total) + "  \(backlog) waiting, \(queue.dead) dead"
                    print(interactive ? "\r\(line)\u{1B}[K" : line, terminator: interactive ? "" : "\n")
                    fflush(nil)
                }
                if backlog == 0 {
                    if !json { print(interactive ? "\ndelivered" : "delivered") }
                    return
                }
                if backlog < lastBacklog {
                    lastBacklog = backlog
                    lastProgress = Date()
                } else if Date().timeIntervalSince(lastProgress) > TimeInterval(stallSeconds) {
                    if interactive { print("") }
                    FileHandle.standardError.write(Data("kioskctl: \(backlog) item(s) still waiting and none delivered for \(stallSeconds)s; `kioskctl status` shows the platform link\n".utf8))
                    throw ExitCode.failure
                }
                Thread.sleep(forTimeInterval: json ? 1 : 0.25)
            }
        }
    }
}

/// Words and numbers for the platform's state in tables.
enum PlatformText {
    static func describe(_ state: PlatformLinkState) -> String {
        switch state {
        case .unknown: "not contacted yet"
        case let .online(since): "online since \(time(since))"
        case let .offline(since, reason): "OFFLINE since \(time(since)): \(reason)"
        case .notConfigured: "not configured (everything stays queued)"
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .current).year().month().day().time(includingFractionalSeconds: false))
    }

    static func age(_ seconds: Double) -> String {
        let whole = Int(seconds)
        if whole < 120 { return "\(whole)s" }
        if whole < 7200 { return "\(whole / 60)m" }
        return "\(whole / 3600)h\(whole % 3600 / 60)m"
    }

    static func bar(done: Int, total: Int, width: Int = 30) -> String {
        let filled = min(width, done * width / max(total, 1))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
    }
}
