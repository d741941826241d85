import Foundation
import Integrations
import Sandbox
import Sundial
@testable import SundialEngine
import SundialTestSupport
import Testing
@testable import Workflows

/// The nightly accounting batch against real PostgreSQL, the loopback sshd and the sandbox's
/// QuickBooks: completed order rows are real `order` workflows (``CompletedOrderProbe``).
@Suite("Nightly QuickBooks batch", .serialized)
struct QuickBooksDailyTests {
    @Test("one run: the CSV uploaded once, exactly the missing invoices created, exceptions reported; a rerun adds none and uploads run2")
    func runAndRerun() async throws {
        try await BatchHarness.with(chunkSize: 4) { h in
            // 11 orders: 3 invoiced by the order workflow, 2 with a wrong-amount invoice, 6 without.
            let orders = try await h.completeOrders(11, invoiced: 3, mismatched: 2)
            let date = h.calendar.businessDate(of: Date())
            let createdBefore = h.invoicesCreated()
            let run1 = try await h.db.withWorker { _ in
                let id = try await h.startBatch(date: date)
                let done = try await h.db.settled(id, timeout: .seconds(60))
                #expect(done.status == .completed, "\(done.state) \(done.lastError ?? "")")
                return id
            }
            #expect(h.invoicesCreated() - createdBefore == 6)
            let report = try await h.report(run1)
            #expect(report.orders == 11)
            #expect(report.invoicesCreated == 6)
            #expect(report.invoicesFound == 2)
            #expect(report.alreadyInvoiced == 3)
            #expect(report.matched == 9)
            #expect(Set(report.exceptions.map(\.reason)) == [.amountMismatch])
            #expect(report.exceptions.count == 2)
            #expect(report.exceptionsCSV.hasPrefix("order_id,order_workflow_id,reason,detail,captured,invoiced,invoice_id\r\n"))
            #expect(report.exceptionsCSV.contains(",amount_mismatch,"))
            // Every order has exactly one invoice under its document number.
            for orderID in orders.keys {
                #expect(try await h.accounting.findInvoice(docNumber: OrderWorkflow.docNumber(orderID)) != nil)
            }
            let name1 = "sales-summary-\(date)-run1.csv"
            #expect(try h.files() == [name1])
            let csv = try String(contentsOfFile: "\(h.folder)/\(name1)", encoding: .utf8)
            let records = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(records.count == 12)
            #expect(records[0] == SalesSummaryRow.columns.joined(separator: ","))
            #expect(!csv.replacingOccurrences(of: "\r\n", with: "").contains("\n"))

            // Finance reruns the date: run 2, linked to run 1, no new invoice, its own file.
            let rerun = try BatchRerun(businessDate: date, earlierRuns: try await h.db.store.runs(type: QuickBooksDailyWorkflow.name, businessDate: date),
                                       reason: "bank file re-sent", actor: "finance:alice")
            #expect(rerun.input.runNumber == 2 && rerun.input.previousRunIDs == [run1])
            let run2 = try await h.db.withWorker { _ in
                let id = try await h.client.start(QuickBooksDailyWorkflow.self, key: rerun.key, input: rerun.input).id
                #expect(try await h.db.settled(id, timeout: .seconds(60)).status == .completed)
                return id
            }
            #expect(h.invoicesCreated() - createdBefore == 6)
            let report2 = try await h.report(run2)
            #expect(report2.invoicesCreated == 0 && report2.invoicesFound == 8 && report2.runNumber == 2)
            #expect(try h.files() == [name1, "sales-summary-\(date)-run2.csv"])
            let listed = try await h.db.store.runs(type: QuickBooksDailyWorkflow.name, businessDate: date).compactMap(BatchRunSummary.init)
            #expect(listed.map(\.runNumber) == [1, 2])
            #expect(listed[1].reason == "bank file re-sent" && listed[1].actor == "finance:alice")
            #expect(listed[1].fileName == "sales-summary-\(date)-run2.csv" && listed[1].invoicesCreated == 0 && listed[1].exceptions == 2)
            #expect(listed[0].invoicesCreated == 6)  // run 1's record is unchanged
            // A rerun while a run is in progress is refused.
            let busy = WorkflowRunRecord(id: UUID(), businessKey: "k", status: "runnable", state: "invoice",
                                         inputJSON: #"{"business_date":"\#(date)","time_zone":"America/Chicago","run_number":3,"previous_run_ids":[]}"#,
                                         outputJSON: nil, lastError: nil, createdAt: Date(), finishedAt: nil)
            #expect(throws: InputError.self) { try BatchRerun(businessDate: date, earlierRuns: [busy], reason: "x", actor: "y") }
        }
    }

    @Test("a flaky QuickBooks mid-chunk: the orders done are kept and the chunk goes on from there; each order invoiced once")
    func flakyAccountingKeepsChunkProgress() async throws {
        try await BatchHarness.with(chunkSize: 10, sandbox: { $0.randomSeed = 11 }) { h in
            let orders = try await h.completeOrders(16)
            let date = h.calendar.businessDate(of: Date())
            let createdBefore = h.invoicesCreated()
            // One call in five fails: a chunk of ten orders (twenty calls) would almost never
            // pass whole, so only kept progress lets the run finish within its attempts.
            h.sandbox.faults.update(.quickbooks) { $0.errorRate = 0.2 }
            let id = try await h.db.withWorker { _ in
                let id = try await h.startBatch(date: date)
                _ = try await h.db.settled(id, timeout: .seconds(180))
                return id
            }
            let snapshot = try await h.db.store.workflow(id)
            #expect(snapshot.status == .completed, "\(snapshot.state) \(snapshot.lastError ?? "")")
            h.sandbox.faults.update(.quickbooks) { $0.errorRate = 0 }
            #expect(h.invoicesCreated() - createdBefore == 16)
            let report = try await h.report(id)
            #expect(report.invoicesCreated == 16 && report.matched == 16 && report.exceptions.isEmpty)
            // Without faults two visits do it (10, then 6); kept progress shows as more visits.
            let context = try JSONDecoder.sundial.decode(QuickBooksDailyContext.self, from: Data(snapshot.context.utf8))
            #expect(context.invoiceChunks > 2, "\(context.invoiceChunks) invoice visits")
            for orderID in orders.keys {
                #expect(try await h.accounting.findInvoice(docNumber: OrderWorkflow.docNumber(orderID)) != nil)
            }
        }
    }

    @Test("a sundial worker killed during the invoice chunks: each order invoiced once, the CSV present once")
    func killedDuringInvoiceChunks() async throws {
        try await BatchHarness.with(chunkSize: 3, sandbox: { $0.faults[.quickbooks] = FaultSettings(latencyMilliseconds: 120) }) { h in
            let orders = try await h.completeOrders(24)
            let date = h.calendar.businessDate(of: Date())
            let before = h.invoicesCreated()
            let first = try h.startWorker("batch-a", chunkSize: 3)
            let id = try await h.startBatch(date: date)
            // Wait until at least two chunks committed, then kill mid-chunk.
            let inChunks = try await eventually(timeout: .seconds(60), every: .milliseconds(20)) {
                let snapshot = try await h.db.store.workflow(id)
                guard snapshot.state == "invoice" else { return false }
                let context = try JSONDecoder.sundial.decode(QuickBooksDailyContext.self, from: Data(snapshot.context.utf8))
                return context.invoiceChunks >= 2
            }
            #expect(inChunks)
            try await Task.sleep(for: .milliseconds(150))
            first.kill()
            let midway = h.invoicesCreated() - before
            #expect(midway > 0 && midway < 24)

            let second = try h.startWorker("batch-b", chunkSize: 3)
            defer { second.kill() }
            let done = try await h.db.settled(id, timeout: .seconds(90))
            if done.status != .completed { print(second.log.suffix(4000)) }
            #expect(done.status == .completed)
            #expect(h.invoicesCreated() - before == 24)
            let keys = h.sandbox.ledger.records(.quickbooks, .invoiceCreated).compactMap(\.idempotencyKey)
            #expect(Set(keys).count == keys.count)
            for orderID in orders.keys {
                #expect(try await h.accounting.findInvoice(docNumber: OrderWorkflow.docNumber(orderID)) != nil)
            }
            #expect(try h.files() == ["sales-summary-\(date)-run1.csv"])
            let report = try await h.report(id)
            #expect(report.orders == 24 && report.exceptions.isEmpty && report.matched == 24)
            // Created by this run, or found after the kill (created but not yet committed).
            #expect(report.invoicesCreated + report.invoicesFound == 24)
        }
    }

    @Test("a wrong host key and a refused login fail the upload step at once with a clear error")
    func uploadRefusals() async throws {
        let stranger = FileManager.default.temporaryDirectory.appendingPathComponent("stranger-\(UUID().uuidString.prefix(6))").path
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", stranger]
        try keygen.run()
        keygen.waitUntilExit()
        for (label, expected) in [("host key", "host key"), ("login", "login as")] {
            try await BatchHarness.with(sftp: { ssh, folder in
                SFTPConfiguration(host: "127.0.0.1", port: ssh.port, username: ssh.user,
                                  authentication: .privateKey(path: label == "login" ? stranger : ssh.key),
                                  hostKeyFingerprint: label == "host key" ? "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" : ssh.hostKey,
                                  directory: folder, timeout: .seconds(5))
            }) { h in
                _ = try await h.completeOrders(2)
                let id = try await h.db.withWorker { _ in
                    let id = try await h.startBatch(date: h.calendar.businessDate(of: Date()))
                    _ = try await h.db.settled(id, timeout: .seconds(30))
                    return id
                }
                let snapshot = try await h.db.store.workflow(id)
                #expect(snapshot.status == .failed, "\(label): \(snapshot.status)")
                #expect(snapshot.state == "upload")
                #expect(snapshot.lastError?.contains(expected) == true, "\(label): \(snapshot.lastError ?? "no error")")
                let events = try await h.db.store.history(id).map(\.event)
                #expect(!events.contains("retry") && events.filter { $0 == "failed" }.count == 1, "\(label): \(events)")
                #expect(try h.files().isEmpty)
                #expect(h.invoicesCreated() == 0)
            }
        }
    }

    @Test("a connection dropped mid-upload is retried: the file arrives whole, once, with no temporary file left")
    func droppedConnectionRetries() async throws {
        let ssh = try TestSSHServer.fromEnvironment()
        let proxy = try DroppingTCPProxy(targetPort: ssh.port, dropAfter: 24_000)
        defer { proxy.close() }
        // The host key pinned as a known_hosts line (what SUNDIAL_SFTP_HOST_KEY takes), built from
        // the server's public key file: it must give the fingerprint ssh-keygen prints.
        let publicKey = URL(fileURLWithPath: ssh.key).deletingLastPathComponent().appendingPathComponent("host_ed25519.pub")
        let line = "[127.0.0.1]:\(ssh.port) " + (try String(contentsOf: publicKey, encoding: .utf8))
        let pinned = try #require(KnownHostsEntry(line)).fingerprint
        #expect(pinned == ssh.hostKey)
        try await BatchHarness.with(sftp: { ssh, folder in
            SFTPConfiguration(host: "127.0.0.1", port: proxy.port, username: ssh.user, authentication: .privateKey(path: ssh.key),
                              hostKeyFingerprint: pinned, directory: folder, timeout: .seconds(5))
        }) { h in
            // Long names make a CSV of ~60 KB, so the cut comes after the handshake, mid-write.
            _ = try await h.completeOrders(12, longNames: true)
            let date = h.calendar.businessDate(of: Date())
            let id = try await h.db.withWorker { _ in
                let id = try await h.startBatch(date: date)
                _ = try await h.db.settled(id, timeout: .seconds(60))
                return id
            }
            let snapshot = try await h.db.store.workflow(id)
            #expect(snapshot.status == .completed, "\(snapshot.state) \(snapshot.lastError ?? "")")
            let events = try await h.db.store.history(id).map(\.event)
            #expect(events.contains("retry"), "\(events)")
            // The cut came while the temporary file was being written (after handshake and login).
            let errors = try await h.db.store.history(id).compactMap(\.error)
            #expect(errors.contains { $0.hasPrefix("SFTP: write") && $0.contains(".part") }, "\(errors)")
            #expect(proxy.accepted >= 2 && proxy.dropped == 1)
            let name = "sales-summary-\(date)-run1.csv"
            #expect(try h.files() == [name])
            let report = try await h.report(id)
            let size = try FileManager.default.attributesOfItem(atPath: "\(h.folder)/\(name)")[.size] as? Int
            #expect(size == report.fileBytes && report.fileBytes > 24_000)
        }
    }

    @Test("the deadline check reports a missed deadline with the stuck run's id, and a met one")
    func deadlineCheck() async throws {
        try await BatchHarness.with { h in
            let calendar = h.calendar
            let yesterday = try #require(calendar.date(calendar.businessDate(of: Date()), plusDays: -1))
            let earlier = try #require(calendar.date(yesterday, plusDays: -1))
            // Yesterday's only run starts after its deadline: whatever it does now is too late.
            let stuck = try await h.client.start(QuickBooksDailyWorkflow.self, key: "stuck/\(yesterday)",
                                                 input: QuickBooksDailyInput(businessDate: yesterday, actor: "test")).id
            try await h.db.withWorker { _ in
                let missed = try await h.client.start(BatchDeadlineCheck.self, key: "check/\(yesterday)", input: BatchDeadlineInput(
                    job: QuickBooksDailyWorkflow.name, businessDate: yesterday, timeZone: calendar.timeZoneIdentifier)).id
                let none = try await h.client.start(BatchDeadlineCheck.self, key: "check/\(earlier)", input: BatchDeadlineInput(
                    job: QuickBooksDailyWorkflow.name, businessDate: earlier, timeZone: calendar.timeZoneIdentifier)).id
                for id in [missed, none] { #expect(try await h.db.settled(id, timeout: .seconds(20)).status == .completed) }
                let result = try JSONDecoder.sundial.decode(BatchDeadlineResult.self, from: Data(try #require(try await h.db.store.workflow(missed).output).utf8))
                #expect(result.missed)
                #expect(result.runs.map(\.id).contains(stuck))
                let noRun = try JSONDecoder.sundial.decode(BatchDeadlineResult.self, from: Data(try #require(try await h.db.store.workflow(none).output).utf8))
                #expect(noRun.missed && noRun.runs.isEmpty)
            }
            // The check's verdict on a run that completed in time.
            let onTime = WorkflowRunRecord(id: UUID(), businessKey: "k", status: "completed", state: "reconcile", inputJSON: "{}", outputJSON: nil,
                                           lastError: nil, createdAt: Date(), finishedAt: calendar.bounds(of: earlier)!.end.addingTimeInterval(-60))
            #expect(!BatchDeadlineResult(job: "j", businessDate: earlier, deadline: calendar.deadline(of: earlier)!, runs: [onTime]).missed)
        }
    }
}
