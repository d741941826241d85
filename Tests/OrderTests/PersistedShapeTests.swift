import Foundation
import Sundial
import Testing
@testable import Workflows

/// In-flight workflows are stored as JSON written by the code that started them. These tests
/// decode what the previous code wrote (the keys added since removed) with today's types, so an
/// upgrade strands no order and no sync run.
@Suite("Persisted shapes written before an upgrade still decode")
struct PersistedShapeTests {
    /// `value` encoded, then the named keys removed at the top level and in `order`.
    static func older<T: Encodable>(_ value: T, without keys: [String], inOrder orderKeys: [String] = []) throws -> Data {
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder.sundial.encode(value)) as? [String: Any])
        for key in keys { object[key] = nil }
        if var order = object["order"] as? [String: Any] {
            for key in orderKeys { order[key] = nil }
            object["order"] = order
        }
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test("an order context from before checkout payments, lost-answer undos and payment_intent_id")
    func orderContext() throws {
        var context = OrderContext(order: sampleOrder("SO-OLD-1"))
        context.paymentIntentID = "pi_old"
        let data = try Self.older(context, without: ["authorizationInDoubt", "refundUndoRegistered"], inOrder: ["payment_intent"])
        let decoded = try JSONDecoder.sundial.decode(OrderContext.self, from: data)
        #expect(decoded.order.paymentMethod == "pm_card_visa")
        #expect(decoded.order.paymentIntent == nil)
        #expect(decoded.authorizationInDoubt == nil)
        #expect(decoded.refundUndoRegistered == nil)
        #expect(decoded.paymentIntentID == "pi_old")
        // The undo stack of an older order: the cases it could hold are unchanged.
        let undo = try JSONDecoder.sundial.decode(OrderUndo.self, from: JSONEncoder.sundial.encode(OrderUndo.releaseAuthorization(paymentIntentID: "pi_old")))
        #expect(undo == .releaseAuthorization(paymentIntentID: "pi_old"))
    }

    @Test("a profile sync context and report from before import jobs were followed")
    func profileSync() throws {
        let context = ProfileSyncContext(input: SyncRunInput(slot: Date(timeIntervalSince1970: 1_800_000_000)))
        let data = try Self.older(context, without: ["pendingJob", "profilesImported", "profilesFailed", "importFailures", "unfinishedJobs"])
        let decoded = try JSONDecoder.sundial.decode(ProfileSyncContext.self, from: data)
        #expect(decoded.pendingJob == nil)
        let report = #"{"run":3,"cursor_from":null,"cursor_to":"5:9","batches":1,"profiles_sent":2,"skipped_without_email":0,"job_ids":["job_1"]}"#
        let old = try JSONDecoder().decode(ProfileSyncReport.self, from: Data(report.utf8))
        #expect(old.profilesImported == 0 && old.profilesFailed == 0 && old.failures.isEmpty && old.unfinishedJobs.isEmpty)
    }
}
