import CodeScanners
import DeviceKit
import Flows
import Foundation

/// Code scanned to flow event (issue 5, goal ≤ 2 ms host time): the reports of one code are
/// decoded as the USB thread does, the code goes through a `DeviceEventSink` into an `AsyncStream`
/// (as DeviceManager's events do), and the consumer classifies it with the shipped
/// `Kiosk/codes.yaml`, which is what the session needs to route it. Timed from the first report fed
/// to the classified code in the consumer's hands, per code (`kiosk-bench --only drivers`).
struct ScannerBench {
    struct Result {
        var keyboard: Distribution
        var hidPOS: Distribution
        var classifyOnly: Distribution

        func markdown() -> String {
            func row(_ name: String, _ value: Distribution) -> String {
                String(format: "| %@ | %d | %.3f | %.3f | %.3f | %@ |", name, value.count, value.median,
                       value.percentile(0.99), value.max, value.percentile(0.99) <= 2 ? "met" : "MISSED")
            }
            return ["| path (ms, host time) | n | median | p99 | max | p99 ≤ 2 ms |", "|---|---|---|---|---|---|",
                    row("keyboard wedge: reports → event → classified", keyboard),
                    row("HID POS: reports → event → classified", hidPOS),
                    row("classify only", classifyOnly)].joined(separator: "\n")
        }
    }

    let classifier: CodeClassifier
    var iterations = 2_000

    static let code = Array("https://hall.example.gov.cn/r/HN-2025-000123".utf8)

    func run() async -> Result {
        let keyboardReports = Self.keyboardReports(Self.code)
        let posReports = Self.posReports(Self.code)
        let keyboard = await measure { decoder in
            var codes: [[UInt8]] = []
            for report in keyboardReports { codes += (try? decoder.keyboard.feed(report)) ?? [] }
            return codes
        }
        let pos = await measure { decoder in
            var codes: [[UInt8]] = []
            for report in posReports { if let code = try? decoder.pos.feed(report) { codes.append(code.data) } }
            return codes
        }
        var classify: [Double] = []
        for _ in 0..<iterations {
            let start = monotonicNanoseconds()
            _ = try? classifier.classify(Self.code)
            classify.append(milliseconds(monotonicNanoseconds() - start))
        }
        return Result(keyboard: keyboard, hidPOS: pos, classifyOnly: Distribution(classify))
    }

    private struct Decoders {
        var keyboard = KeyboardWedgeDecoder()
        var pos = HIDPOSDecoder()
    }

    /// Feeds the reports, delivers through a sink and times until the consumer has classified it.
    private func measure(_ decode: @escaping @Sendable (inout Decoders) -> [[UInt8]]) async -> Distribution {
        let (events, continuation) = AsyncStream.makeStream(of: DeviceEvent.self, bufferingPolicy: .bufferingNewest(256))
        let sink = DeviceEventSink(deviceID: "bench", role: .codeScanner) { continuation.yield($0) }
        var samples: [Double] = []
        var iterator = events.makeAsyncIterator()
        var decoders = Decoders()
        for _ in 0..<iterations {
            let start = monotonicNanoseconds()
            for code in decode(&decoders) { sink.data(.codeScanned(code)) }
            guard let event = await iterator.next(), case .data(.codeScanned(let bytes)) = event.body,
                  (try? classifier.classify(bytes))?.kind == .resultURL else {
                fatalError("the bench's code did not come through as a result URL")
            }
            samples.append(milliseconds(monotonicNanoseconds() - start))
        }
        continuation.finish()
        return Distribution(samples)
    }

    static func keyboardReports(_ text: [UInt8]) -> [[UInt8]] {
        var reports: [[UInt8]] = []
        for byte in text + [0x0A] {
            let (usage, shift): (UInt8, Bool) = switch byte {
            case 0x61...0x7A: (byte - 0x61 + 0x04, false)
            case 0x41...0x5A: (byte - 0x41 + 0x04, true)
            case 0x31...0x39: (byte - 0x31 + 0x1E, false)
            case 0x30: (0x27, false)
            case 0x2D: (0x2D, false)
            case 0x2E: (0x37, false)
            case 0x2F: (0x38, false)
            case 0x3A: (0x33, true)
            case 0x0A: (0x28, false)
            default: (0x2C, false)
            }
            reports.append([shift ? 0x02 : 0, 0, usage, 0, 0, 0, 0, 0])
            reports.append([0, 0, 0, 0, 0, 0, 0, 0])
        }
        return reports
    }

    static func posReports(_ data: [UInt8]) -> [[UInt8]] {
        var report = [UInt8](repeating: 0, count: 64)
        report[0] = 0x02
        report[1] = UInt8(data.count)
        report[2...4] = [0x5D, 0x51, 0x31]
        report.replaceSubrange(5..<(5 + data.count), with: data)
        return [report]
    }
}
