import DeviceKit
import Flows
import Foundation
import Logging
import Outbox
import RemoteWindow

/// How the runtime carries out what the session asks for. Quick local work (a lookup, a queued
/// item) is done in the loop, in order; slow device work runs as a child task whose answer comes
/// back through the loop tagged with its visit.
extension KioskRuntime {
    /// `flowBefore` is the flow the session was in before the event, which a visit's end is about.
    func perform(_ action: SessionAction, session: Session, flowBefore: String, visit: Int, group: inout DiscardingTaskGroup) {
        switch action {
        case .findPickups(let query):
            send(.answer(.pickupsFound(findPickups(query)), visit: visit))
        case .printCertificate(let pickup):
            let job = certificateJob(pickup)
            group.addTask {
                let outcome: PrintOutcome
                if let job, let printer = await self.devices.printer(for: .certificatePrinter) {
                    outcome = await printer.print(job)
                } else {
                    outcome = .failed(DeviceError(code: job == nil ? .documentMissing : .noPrinter,
                                                  action: job == nil ? .configuration : .reset,
                                                  detail: "certificate for pickup \(pickup.id) cannot be printed"))
                }
                self.logger.info("certificate print ended", metadata: ["pickup": "\(pickup.id)", "outcome": "\(outcome)"])
                self.metrics.printFinished(kind: "certificate", outcome: outcome == .completed ? "completed" : "failed")
                self.send(.answer(.printFinished(outcome), visit: visit))
            }
        case .recordCollection(let pickup, let flow):
            let payload = CollectionPayload(pickupId: pickup.id, kioskId: configuration.kioskID, flow: flow,
                                            collector: session.presentedIdentity.map(CitizenRecord.init(identity:)))
            do {
                let data = try KioskStore.makePayloadEncoder().encode(payload)
                try store.recordCollection(pickupID: pickup.id, payload: data)
            } catch {
                logger.error("collection not recorded", metadata: ["pickup": "\(pickup.id)", "error": "\(error)"])
                enqueue(.deviceAlert, AlertPayload(kioskId: configuration.kioskID, code: "collection-not-recorded",
                                                   detail: "pickup \(pickup.id): \(error)"))
            }
        case .printReceipt(let receipt):
            let job = receiptJob(receipt, at: Date())
            group.addTask {
                var outcome = PrintOutcome.failed(DeviceError(code: .noPrinter, action: .reset, detail: "no receipt printer"))
                if let printer = await self.devices.printer(for: .receiptPrinter) {
                    outcome = await printer.print(job)
                }
                self.metrics.printFinished(kind: "receipt", outcome: outcome == .completed ? "completed" : "failed")
                self.send(.answer(.printFinished(outcome), visit: visit))
            }
        case .record(.rating(let flow, let level, let reason)):
            enqueue(.rating, RatingPayload(kioskId: configuration.kioskID, flow: flow, level: level, reason: reason))
        case .record(.assistRequest(let flow, let step)):
            let help = HelpRequest(flow: flow, step: step, language: session.language.rawValue, at: Date())
            if let hub = remoteHub.withLock({ $0 }) {
                // Every attached operator sees it at once; with nobody attached the hub queues it.
                let reached = hub.citizenAskedForHelp(help)
                send(.answer(.remote(.helpDelivered(toOperators: reached)), visit: visit))
            } else {
                queueAssistRequest(help)
            }
        case .remote(let action):
            guard let hub = remoteHub.withLock({ $0 }) else { break }
            switch action {
            case .answerConsent(let granted): hub.citizenAnswered(granted: granted)
            case .endTakeover: hub.citizenEndedTakeover()
            case .sendChat(let text): hub.citizenChat(text)
            }
        case .readDocument(let accessKey):
            // The key is personal data: it goes to the reader and nowhere else, never to a log.
            group.addTask {
                let result = await self.readDocument(accessKey)
                switch result {
                case .success(let identity):
                    self.logger.info("passport read", metadata: ["document": "\(identity)"])
                    self.identityCheck.offer(identity)
                case .failure(let error):
                    self.logger.notice("passport read failed", metadata: ["error": "\(error)"])
                }
                self.send(.answer(.documentRead(result), visit: visit))
            }
        case .lookupResult(let code):
            send(.answer(.resultFound(lookupResult(code)), visit: visit))
        case .scanDocuments:
            group.addTask {
                let result: Result<Int, DeviceError>
                if let scanner = await self.devices.documentScanner() {
                    do throws(DeviceError) {
                        let pages = try await scanner.scan()
                        self.keepScannedPages(pages, visit: visit)
                        result = .success(pages.count)
                    } catch { result = .failure(error) }
                } else {
                    result = .failure(DeviceError(code: .noScanner, action: .reset, detail: "no document scanner"))
                }
                self.send(.answer(.documentsScanned(result), visit: visit))
            }
        case .submit(let submission):
            let reference = Self.makeReference(kioskID: configuration.kioskID)
            let payload = SubmissionPayload(kioskId: configuration.kioskID, reference: reference,
                                            serviceId: submission.serviceID, pages: submission.pages,
                                            identified: submission.identified,
                                            applicant: session.presentedIdentity.map(CitizenRecord.init(identity:)))
            let pages = takeScannedPages(visit: visit)
            // The PDF, its sealing and the commit take a while with pages: off the loop, so other
            // inputs are not held; the citizen's screen moves on once the item is committed.
            group.addTask {
                self.enqueueSubmission(payload, pages: pages)
                self.send(.answer(.submitted(reference: reference), visit: visit))
            }
        case .alertOperator(let alert):
            logger.error("operator alert", metadata: ["code": "\(alert.code)", "detail": "\(alert.detail)"])
            metrics.error(kind: alert.code)
            enqueue(.deviceAlert, AlertPayload(kioskId: configuration.kioskID, code: alert.code, detail: alert.detail))
        case .flowStarted(let flow):
            logger.info("flow started", metadata: ["flow": "\(flow)"])
            metrics.flowStarted(flow: flow)
        case .sessionEnded(let reason):
            // Scanned pages are the citizen's: gone with the visit unless submitted.
            _ = takeScannedPages(visit: nil)
            logger.info("visit ended; session data wiped", metadata: ["reason": "\(reason.rawValue)"])
            metrics.sessionEnded(flow: flowBefore, reason: reason.rawValue)
        }
    }

    /// A receipt as a print job: plain text for any printer, and the receipt itself for a printer
    /// that lays out its own (a PDF or ESC/POS with the QR code of the result's link).
    func receiptJob(_ receipt: Receipt, at date: Date) -> PrintJob {
        let text = ReceiptText.render(receipt, kioskID: configuration.kioskID, at: date)
        let reference = receipt.reference ?? "-"
        let qr = configuration.receiptResultURL.map { $0.replacingOccurrences(of: "{code}", with: reference) } ?? reference
        var lines: [String] = []
        for line in receipt.lines {
            lines.append(line.zhHans)
            if line.en != line.zhHans { lines.append(line.en) }
        }
        let document = ReceiptDocument(title: receipt.title.zhHans + " " + receipt.title.en, lines: lines,
                                       trackingNumber: reference, time: date, kioskID: configuration.kioskID, qrContent: qr)
        return PrintJob(kind: .receipt, title: "receipt", format: "text/plain", document: Data(text.utf8), receipt: document)
    }

    /// The printer test page: the kiosk, the time and a QR code to scan.
    func testPageJob(at date: Date) -> PrintJob {
        let code = "kiosk-test-page:\(configuration.kioskID):\(Int(date.timeIntervalSince1970))"
        let document = ReceiptDocument(title: "打印机测试页 Printer test page", lines: ["打印机工作正常。", "The printer works."],
                                       trackingNumber: "-", time: date, kioskID: configuration.kioskID, qrContent: code)
        let text = "打印机测试页 Printer test page\n终端 Kiosk: \(configuration.kioskID)\n时间 Time: \(date.formatted(.iso8601))\n\(code)\n"
        return PrintJob(kind: .testPage, title: "test page", format: "text/plain", document: Data(text.utf8), receipt: document)
    }

    /// Queues a Help request for the platform's staff: nobody was attached to answer it here.
    func queueAssistRequest(_ help: HelpRequest) {
        enqueue(.assistRequest, AssistPayload(kioskId: configuration.kioskID, flow: help.flow ?? KioskContent.homeFlow,
                                              step: help.step ?? "", language: help.language))
    }

    private func findPickups(_ query: PickupQuery) -> [PickupSummary] {
        do {
            let found: [Pickup]
            switch query {
            case .holder(let identity): found = try store.readyPickups(holderKey: keys.holderKey(for: identity))
            case .pickupCode(let code): found = try store.readyPickups(pickupCodeHash: keys.pickupCodeHash(code))
            }
            return found.map {
                PickupSummary(id: $0.id, title: Localized(zhHans: $0.titleZh, en: $0.titleEn),
                              department: Localized(zhHans: $0.departmentZh, en: $0.departmentEn))
            }
        } catch {
            logger.error("pickup lookup failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    private func certificateJob(_ pickup: PickupSummary) -> PrintJob? { certificateJob(pickupID: pickup.id) }

    /// The pickup's certificate from the cache, with the digest the printer checks before printing.
    func certificateJob(pickupID: String) -> PrintJob? {
        do {
            guard let digest = try store.pickup(id: pickupID)?.documentDigest,
                  let document = try store.document(digest: digest) else { return nil }
            return PrintJob(kind: .certificate, title: "certificate \(pickupID)", format: document.format, document: document.data,
                            expectedSHA256: digest)
        } catch {
            logger.error("certificate document unavailable", metadata: ["pickup": "\(pickupID)", "error": "\(error)"])
            return nil
        }
    }

    private func lookupResult(_ code: String) -> ResultSummary? {
        do {
            guard let result = try store.result(code: code) else { return nil }
            return ResultSummary(code: result.code, status: result.status.rawValue,
                                 title: Localized(zhHans: result.titleZh, en: result.titleEn), updatedAt: result.updatedAt)
        } catch {
            logger.error("result lookup failed", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Queues an outcome. A failure here is logged loudly; the citizen's visit goes on.
    func enqueue(_ type: OutboxItemType, _ payload: some Encodable & Sendable) {
        do {
            let item = try store.enqueue(type: type, encodable: payload)
            logger.debug("queued", metadata: ["type": "\(type.rawValue)", "item": "\(item.id)"])
            queueWriteFailure.withLock { $0 = nil }
        } catch {
            logger.critical("could not queue an item", metadata: ["type": "\(type.rawValue)", "error": "\(error)"])
            metrics.error(kind: "queue-write")
            // The database cannot take the alert either (a full disk): it lives in memory until a
            // write succeeds again, and `kioskctl status` shows it.
            queueWriteFailure.withLock {
                $0 = AlertRecord(code: "queue-write-failed", detail: "\(error) Items already queued are kept.", raisedAt: .now)
            }
        }
    }

    /// A device that becomes unusable, or recovers from that, is queued as a device alert for the
    /// platform; routine "online" reports are only logged.
    func recordHealth(_ health: DeviceHealth, deviceID: String, role: DeviceRole) {
        let previous = lastHealth.withLock { $0.updateValue(health, forKey: deviceID) }
        metrics.deviceHealth(deviceID: deviceID, role: role.rawValue, state: health.state.rawValue)
        let level: Logger.Level = health.isUsable ? .info : .warning
        logger.log(level: level, "device health", metadata: ["device": "\(deviceID)", "role": "\(role.rawValue)", "health": "\(health)"])
        let becameUnusable = !health.isUsable && previous != health
        let recovered = health.isUsable && previous.map { !$0.isUsable } == true
        guard becameUnusable || recovered else { return }
        enqueue(.deviceAlert, DeviceAlertPayload(kioskId: configuration.kioskID, deviceId: deviceID, role: role.rawValue,
                                                 state: health.state.rawValue, reason: health.reason?.rawValue, action: health.action.rawValue))
    }

    /// A tracking number a citizen can read out: kiosk, date, and six characters from an alphabet
    /// without look-alikes (no I, L, O, U).
    static func makeReference(kioskID: String, now: Date = Date()) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<6).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
        let day = now.formatted(.iso8601.year().month().day().dateSeparator(.omitted))
        return "\(kioskID)-\(day)-\(suffix)"
    }
}
