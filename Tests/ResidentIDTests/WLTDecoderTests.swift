import DeviceKit
import Foundation
import GA467Emulator
import ResidentID
import Testing

/// The WLT decoder is loaded with dlopen. No vendor library can ship with Kiosk, so the test builds a
/// stand-in shared library with the vendors' `unpack` signature (it writes a BMP header and copies
/// the WLT bytes into the pixels) and loads it as a site would load the real one.
@Suite struct WLTDecoderTests {
    static let source = """
    #include <string.h>
    int unpack(const unsigned char *wlt, unsigned char *bmp, int flag) {
        (void)flag;
        if (wlt[0] == 0xFF) return -1;
        memset(bmp, 0, 38862);
        bmp[0] = 'B'; bmp[1] = 'M';
        memcpy(bmp + 54, wlt, 1024);
        return 1;
    }
    """

    static func buildLibrary(in folder: URL) throws -> String {
        let source = folder.appendingPathComponent("wlt.c")
        let library = folder.appendingPathComponent("libwlt-standin.so")
        try Self.source.write(to: source, atomically: true, encoding: .utf8)
        var pid: pid_t = 0
        let arguments = ["cc", "-shared", "-fPIC", "-o", library.path, source.path]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawnp(&pid, "cc", nil, nil, argv, environ) == 0)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(status == 0, "cc failed")
        return library.path
    }

    @Test func decodesThroughALibraryLoadedAtRunTime() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wlt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let library = try Self.buildLibrary(in: folder)

        let decoder = try WLTDecoder(path: library)
        let bmp = try decoder.decode(EmulatedCard.samplePhoto)
        #expect(bmp.count == WLTDecoder.bmpSize)
        #expect(Array(bmp.prefix(2)) == [0x42, 0x4D])
        #expect(Array(bmp[54..<(54 + 1024)]) == EmulatedCard.samplePhoto)
        do {
            _ = try decoder.decode([0xFF] + [UInt8](repeating: 0, count: 1023))
            Issue.record("a refused photo decoded")
        } catch {
            #expect(error.code == .wltDecodeFailed)
        }
        #expect(throws: DeviceError.self) { try decoder.decode([1, 2, 3]) }

        // Through the reader: the identity's photo stays WLT, the decoder turns it into a BMP.
        let bench = try EmulatorBench(card: .residentID, settings: {
            GA467Reader.Settings(path: $0, wltDecoderPath: library, pollInterval: .milliseconds(30))
        })
        try await bench.start()
        #expect(await bench.events.wait { $0.presented.count == 1 })
        let photo = try #require(bench.events.presented.first?.photo)
        #expect(photo.format == .wlt)
        #expect(try bench.reader.decodePhoto(photo).count == WLTDecoder.bmpSize)
        await bench.finish()
    }

    @Test func withoutADecoderThePhotoStaysWLT() async throws {
        #expect(throws: DeviceError.self) { try WLTDecoder(path: "/nonexistent/libwlt.so") }
        let bench = try EmulatorBench(card: .residentID, settings: {
            GA467Reader.Settings(path: $0, wltDecoderPath: "/nonexistent/libwlt.so", pollInterval: .milliseconds(30))
        })
        try await bench.start()
        // A missing decoder does not stop the reader.
        #expect(await bench.events.wait { $0.presented.count == 1 })
        let photo = try #require(bench.events.presented.first?.photo)
        #expect(photo.format == .wlt)
        do {
            _ = try bench.reader.decodePhoto(photo)
            Issue.record("decoded without a decoder")
        } catch {
            #expect(error.code == .wltDecoderUnavailable)
            #expect(error.action == .configuration)
        }
        await bench.finish()
    }
}
