import Foundation

/// The main of every target in `Fuzz/`: built with `-DFUZZING` (scripts/fuzz.sh), libFuzzer drives
/// `body` with its inputs; otherwise each file named on the command line goes through `body` once,
/// so the targets build and replay a corpus in the ordinary build too.
public func fuzzMain(_ body: @escaping @Sendable ([UInt8]) -> Void) -> Never {
    #if FUZZING
    fuzzBody = body
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzBody?(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    })
    #else
    for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
            exit(2)
        }
        body(Array(data))
    }
    exit(0)
    #endif
}

#if FUZZING
// libFuzzer calls back through a C function pointer, which cannot carry a closure's context: the
// body waits here, set once before the driver starts.
nonisolated(unsafe) private var fuzzBody: (@Sendable ([UInt8]) -> Void)?

// libFuzzer's driver, for programs that have their own main (SwiftPM gives every executable one).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                                 _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                                 _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif
