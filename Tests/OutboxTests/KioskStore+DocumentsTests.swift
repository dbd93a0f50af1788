import Foundation
import GRDB
import Testing
@testable import Outbox

@Suite("KioskStore: documents")
struct KioskStoreDocumentsTests {
    @Test("a document is named by its SHA-256 and reads back")
    func storeAndRead() throws {
        try withStore { store, _ in
            let digest = try store.storeDocument(Data("abc".utf8), format: "application/pdf")
            #expect(digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            let document = try #require(try store.document(digest: digest))
            #expect(document.format == "application/pdf")
            #expect(document.data == Data("abc".utf8))
            #expect(try store.document(digest: digest.uppercased())?.data == Data("abc".utf8))
            #expect(try store.document(digest: String(repeating: "0", count: 64)) == nil)
        }
    }

    @Test("an empty document is stored and read back")
    func emptyDocument() throws {
        try withStore { store, _ in
            let digest = try store.storeDocument(Data(), format: "text/plain")
            #expect(digest == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            #expect(try store.document(digest: digest)?.data == Data())
        }
    }

    @Test("a blob changed behind the store's back throws documentCorrupted and is logged; storing it again repairs it")
    func corruption() throws {
        let recorder = LogRecorder()
        try withStore(logger: recorder.logger) { store, _ in
            let original = Data("%PDF-1.7 certificate".utf8)
            let digest = try store.storeDocument(original, format: "application/pdf")
            try tamper(path: store.path, sql: "UPDATE document SET data = ? WHERE digest = ?",
                       arguments: [Data("%PDF-1.7 certificatf".utf8), digest])
            let found = sha256Hex(Data("%PDF-1.7 certificatf".utf8))
            #expect(throws: StoreError.documentCorrupted(digest: digest, found: found)) {
                try store.document(digest: digest)
            }
            let logged = recorder.records.first { $0.level == .error }
            #expect(logged?.metadata["digest"] == "\(digest)")

            #expect(try store.storeDocument(original, format: "application/pdf") == digest)
            #expect(try store.document(digest: digest)?.data == original)
        }
    }
}
