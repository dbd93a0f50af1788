import DeviceKit
import Flows
import Foundation
import Logging
import Outbox
import RemoteWindow

/// How the runtime carries out what the session asks for, through one handler per concern
/// (``PickupDesk``, ``PrintDesk``, ``SubmissionDesk``, ``OutboxWriter``, the remote window's hub).
/// Quick local work (a lookup, a queued item) is done in the loop, in order; slow work (printing,
/// scanning, a submission's PDF) runs as a child task whose answer comes back through the loop
/// tagged with its visit.
extension KioskRuntime {
    /// `flowBefore` is the flow the session was in before the event, which a visit's end is about.
    func perform(_ action: SessionAction, session: Session, flowBefore: String, visit: Int, group: inout DiscardingTaskGroup) {
        let kioskID = settings.kioskID
        switch action {
        case .findPickups(let query):
            send(.answer(.pickupsFound(pickups.find(query)), visit: visit))
        case .printCertificate(let pickup):
            let job = pickups.certificateJob(pickupID: pickup.id)
            group.addTask {
                let outcome = await self.printDesk.print(job, kind: .certificate, on: .certificatePrinter,
                                                         what: "certificate for pickup \(pickup.id)")
                self.send(.answer(.printFinished(outcome), visit: visit))
            }
        case .recordCollection(let pickup, let flow):
            pickups.recordCollection(CollectionPayload(pickupId: pickup.id, flow: flow,
                                                       collector: session.presentedIdentity.map(CitizenRecord.init(identity:))))
        case .printReceipt(let receipt):
            let job = printDesk.receiptJob(receipt, at: Date())
            group.addTask {
                let outcome = await self.printDesk.print(job, kind: .receipt, on: .receiptPrinter, what: "receipt")
                self.send(.answer(.printFinished(outcome), visit: visit))
            }
        case .record(.rating(let flow, let level, let reason)):
            outbox.enqueue(.rating, RatingPayload(flow: flow, level: level, reason: reason))
        case .record(.assistRequest(let flow, let step)):
            let help = HelpRequest(flow: flow, step: step, language: session.language.rawValue, at: Date())
            if let hub = remoteWindow {
                // Every attached operator sees it at once; with nobody attached the hub queues it.
                let reached = hub.citizenAskedForHelp(help)
                send(.answer(.remote(.helpDelivered(toOperators: reached)), visit: visit))
            } else {
                queueAssistRequest(help)
            }
        case .remote(let action):
            guard let hub = remoteWindow else { break }
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
            send(.answer(.resultFound(pickups.lookupResult(code)), visit: visit))
        case .scanDocuments:
            group.addTask {
                let result: Result<Int, DeviceError>
                if let scanner = await self.devices.documentScanner() {
                    do throws(DeviceError) {
                        let pages = try await scanner.scan()
                        self.submissions.keepScannedPages(pages, visit: visit)
                        result = .success(pages.count)
                    } catch { result = .failure(error) }
                } else {
                    result = .failure(DeviceError(code: .noScanner, action: .reset, detail: "no document scanner"))
                }
                self.send(.answer(.documentsScanned(result), visit: visit))
            }
        case .submit(let submission):
            let reference = SubmissionDesk.makeReference(kioskID: kioskID)
            let payload = SubmissionPayload(reference: reference,
                                            serviceId: submission.serviceID, pages: submission.pages,
                                            identified: submission.identified,
                                            applicant: session.presentedIdentity.map(CitizenRecord.init(identity:)))
            let pages = submissions.takeScannedPages(visit: visit)
            // The PDF, its sealing and the commit take a while with pages: off the loop, so other
            // inputs are not held; the citizen's screen moves on once the item is committed.
            group.addTask {
                self.submissions.submit(payload, pages: pages)
                self.send(.answer(.submitted(reference: reference), visit: visit))
            }
        case .alertOperator(let alert):
            logger.error("operator alert", metadata: ["code": "\(alert.code)", "detail": "\(alert.detail)"])
            metrics.error(kind: alert.code)
            outbox.alert(code: alert.code, detail: alert.detail)
        case .flowStarted(let flow):
            logger.info("flow started", metadata: ["flow": "\(flow)"])
            metrics.flowStarted(flow: flow)
        case .sessionEnded(let reason):
            // Scanned pages are the citizen's: gone with the visit unless submitted.
            _ = submissions.takeScannedPages(visit: nil)
            logger.info("visit ended; session data wiped", metadata: ["reason": "\(reason.rawValue)"])
            metrics.sessionEnded(flow: flowBefore, reason: reason.rawValue)
        }
    }

    /// Queues a Help request for the platform's staff: nobody was attached to answer it here.
    public func queueAssistRequest(_ help: HelpRequest) {
        outbox.enqueue(.assistRequest, AssistPayload(flow: help.flow ?? KioskContent.homeFlow,
                                                     step: help.step ?? "", language: help.language))
    }

    /// Queues an item for the platform (the remote window's audit records come this way).
    public func enqueue<Payload: Encodable & Sendable>(_ type: OutboxItemType, _ payload: Payload) {
        outbox.enqueue(type, payload)
    }
}
