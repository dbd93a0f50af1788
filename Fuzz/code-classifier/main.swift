import Flows
import Foundation
import FuzzSupport

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

fuzzMain { bytes in
    bytes.withUnsafeBufferPointer { _ = fuzzOne($0.baseAddress, $0.count) }
}
