import Foundation
import Integrations
import Sundial

/// The daily profile sync to the email-marketing platform (INT-008, 02:00 store time): the
/// customers of orders completed since the last run, upserted through the platform's bulk API in
/// checkpointed batches.
///
/// ```
/// begin ──▶ send ⟲ (one batch per step) ──▶ advance ──▶ completed
///   ⟲ while an earlier run holds the cursor
/// ```
///
/// - **begin** takes the sync cursor (name `profile-sync`) and fixes the range (up to the feed's
///   horizon), waiting while an earlier run holds it.
/// - **send** reads the next `profileBatchSize` order completions (`order` workflows' `completed`
///   events) in feed order, builds one profile per customer email and upserts them in one bulk
///   import; the checkpoint moves past those orders. The platform upserts by email, so a batch
///   repeated after a crash (sent, not yet checkpointed) updates the same contacts: nothing is
///   skipped and no contact is created twice.
/// - **advance** moves the cursor to the last order handed over and frees it.
public struct ProfileSync: Workflow {
    public static let name = "profile-sync"
    public static let version = 1
    public static let initialState = State.begin
    /// `begin` sleeps and repeats while an earlier run holds the cursor; `send` repeats per batch.
    public static let stateGraph: [State: [State]] = [.begin: [.begin, .send], .send: [.send, .advance]]
    public static let cursorName = "profile-sync"

    /// The run's steps, in order (`send` repeats once per batch).
    public enum State: String, WorkflowState { case begin, send, advance }
    public typealias Input = SyncRunInput
    public typealias Context = ProfileSyncContext
    public typealias Output = ProfileSyncReport

    let services: SyncServices

    public init(services: SyncServices) { self.services = services }

    public static func makeContext(from input: SyncRunInput) -> ProfileSyncContext { ProfileSyncContext(input: input) }

    public func policy(for state: State) -> StatePolicy<State> {
        // 429s carry Retry-After; the platform's limits are shared through the API guard.
        StatePolicy(retry: RetryPolicy(initialDelay: .seconds(2), multiplier: 2, maxDelay: .seconds(300), maxAttempts: 10), timeout: .seconds(120))
    }

    public func run(_ state: State, _ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .begin:
            guard try await services.begin(cursor: Self.cursorName, what: "profile sync", &ctx, step) else {
                return .sleep(for: services.settings.cursorWait, then: .begin)
            }
            return .next(.send)
        case .send:
            return try await sendBatch(&ctx, step)
        case .advance:
            let report = self.report(ctx)
            _ = try await services.cursors.advance(Self.cursorName, run: step.workflowID, from: ctx.cursorFrom,
                                                   to: report.cursorTo ?? EventPosition.start.text)
            step.logger.info("profile sync done", metadata: ["run": "\(report.run)", "batches": "\(report.batches)", "profiles": "\(report.profilesSent)"])
            return .complete(report)
        }
    }

    private func sendBatch(_ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        guard let horizon = ctx.horizon else { throw WorkflowError.permanent("send before begin") }
        let limit = max(1, min(services.settings.profileBatchSize, services.marketing.maxBatchSize))
        let completions = try await services.feed.events(after: ctx.readAfter, before: horizon, workflowType: OrderWorkflow.name,
                                                         event: "completed", limit: limit)
        guard let last = completions.last else { return .next(.advance) }
        let snapshots = Dictionary(try await services.feed.workflows(ids: completions.map(\.workflowID)).map { ($0.id, $0) },
                                   uniquingKeysWith: { first, _ in first })
        var orders: [(outcome: OrderOutcome, completedAt: Date)] = []
        for completion in completions {
            guard let outcome = try snapshots[completion.workflowID]?.output(as: OrderOutcome.self) else { continue }
            orders.append((outcome, completion.occurredAt))
        }
        let (profiles, withoutEmail) = CustomerProfiles.profiles(from: orders)
        if !profiles.isEmpty {
            let receipt = try await services.marketing.upsertProfiles(profiles)
            ctx.jobIDs.append(receipt.jobID)
            ctx.batches += 1
            ctx.profilesSent += profiles.count
        }
        ctx.skippedWithoutEmail += withoutEmail
        ctx.position = last.position
        return .next(.send)
    }

    private func report(_ ctx: Context) -> ProfileSyncReport {
        ProfileSyncReport(run: ctx.runNumber ?? 0, cursorFrom: ctx.cursorFrom, cursorTo: ctx.position?.text ?? ctx.cursorFrom,
                          batches: ctx.batches, profilesSent: ctx.profilesSent, skippedWithoutEmail: ctx.skippedWithoutEmail, jobIDs: ctx.jobIDs)
    }
}
