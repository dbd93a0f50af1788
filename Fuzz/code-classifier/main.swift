import Flows
import Foundation

#if FUZZING
// Compiling a Swift Regex leaves a cycle in _StringProcessing that LeakSanitizer reports at exit;
// it happens once, when the rules are loaded, so only those allocations are left out of the check.
@_silgen_name("__lsan_disable") func lsanDisable()
@_silgen_name("__lsan_enable") func lsanEnable()
#else
func lsanDisable() {}
func lsanEnable() {}
#endif

/// The shipped rules, from the repository's Kiosk/codes.yaml.
let classifier: CodeClassifier = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Kiosk/codes.yaml").standardizedFileURL
    lsanDisable()
    defer { lsanEnable() }
    do { return try CodeClassifier.load(from: url) } catch { fatalError("Kiosk/codes.yaml does not load: \(error)") }
}()

/// One input as scanner bytes through the classifier; whatever passes must hold no control bytes.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let code = try? classifier.classify(bytes) else { return 0 }
    if code.text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F }) {
        fatalError("a control character passed the classifier")
    }
    for kind in CodeKind.allCases { _ = code.value(for: kind) }
    return 0
}

#if FUZZING
// libFuzzer's driver, for programs that have their own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main struct FuzzCodeClassifier {
    static func main() {
        _ = classifier
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzOne($0, $1) })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            _ = data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        }
        #endif
    }
}
