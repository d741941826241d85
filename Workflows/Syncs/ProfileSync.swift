import Foundation
import Integrations
import Sundial

/// The daily profile sync to the email-marketing platform (INT-008, 02:00 store time): the
/// customers of orders completed since the last run, upserted through the platform's bulk API in
/// checkpointed batches.
///
/// ```
/// begin ──▶ send ──▶ confirmImport ⟲ (until the job finished) ──▶ send … ──▶ advance ──▶ completed
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
/// - **confirmImport** follows the batch's import job: the platform only accepts a job and runs
///   it later, so what was imported, and each profile it refused with the reason, is known only
///   once the job finished. Reads back off from `importPollInterval` to a minute; a job still
///   unfinished after `importWaitLimit` is reported as such and the run goes on.
/// - **advance** moves the cursor to the last order handed over and frees it.
public struct ProfileSync: Workflow {
    public static let name = "profile-sync"
    public static let version = 1
    public static let initialState = State.begin
    /// `begin` sleeps and repeats while an earlier run holds the cursor; `send` hands one batch
    /// over and `confirmImport` follows its job, per batch.
    public static let stateGraph: [State: [State]] = [
        .begin: [.begin, .send], .send: [.confirmImport, .advance], .confirmImport: [.confirmImport, .send],
    ]
    public static let cursorName = "profile-sync"

    /// The run's steps, in order (`send` and `confirmImport` repeat once per batch).
    public enum State: String, WorkflowState { case begin, send, confirmImport, advance }
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
        case .confirmImport:
            return try await confirmImport(&ctx, step)
        case .advance:
            let report = self.report(ctx)
            _ = try await services.cursors.advance(Self.cursorName, run: step.workflowID, from: ctx.cursorFrom,
                                                   to: report.cursorTo ?? EventPosition.start.text)
            step.logger.info("profile sync done", metadata: [
                "run": "\(report.run)", "batches": "\(report.batches)", "profiles": "\(report.profilesSent)",
                "imported": "\(report.profilesImported)", "failed": "\(report.profilesFailed)", "unfinished_jobs": "\(report.unfinishedJobs.count)",
            ])
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
        ctx.skippedWithoutEmail += withoutEmail
        ctx.position = last.position
        guard !profiles.isEmpty else { return .next(.send) }
        let receipt = try await services.marketing.upsertProfiles(profiles)
        ctx.jobIDs.append(receipt.jobID)
        ctx.batches += 1
        ctx.profilesSent += profiles.count
        ctx.pendingJob = PendingImportJob(jobID: receipt.jobID, since: step.now, polls: 0)
        return .next(.confirmImport)
    }

    /// Reads the pending import job; once it finished, counts what it imported and reads the
    /// profiles it refused.
    private func confirmImport(_ ctx: inout Context, _ step: Step<Self>) async throws -> Next {
        guard var pending = ctx.pendingJob else { return .next(.send) }
        let job = try await services.marketing.importJob(id: pending.jobID)
        guard job.isFinished else {
            if step.now.timeIntervalSince(pending.since) >= services.settings.importWaitLimit.seconds {
                ctx.unfinishedJobs = (ctx.unfinishedJobs ?? []) + [pending.jobID]
                ctx.pendingJob = nil
                step.logger.warning("import job still unfinished; reporting it and going on",
                                    metadata: ["job_id": "\(pending.jobID)", "status": "\(job.status)"])
                return .next(.send)
            }
            pending.polls += 1
            ctx.pendingJob = pending
            let pause = min(services.settings.importPollInterval * (1 << min(pending.polls - 1, 6)), .seconds(60))
            return .sleep(for: pause, then: .confirmImport)
        }
        let failed = job.status == "cancelled" ? max(job.totalCount - job.completedCount, job.failedCount) : job.failedCount
        ctx.profilesImported = (ctx.profilesImported ?? 0) + job.completedCount
        ctx.profilesFailed = (ctx.profilesFailed ?? 0) + failed
        let room = services.settings.reportedFailuresLimit - (ctx.importFailures?.count ?? 0)
        if job.failedCount > 0, room > 0 {
            let failures = try await services.marketing.importFailures(jobID: job.jobID, limit: room)
            ctx.importFailures = (ctx.importFailures ?? []) + failures
        }
        if failed > 0 {
            step.logger.warning("the platform refused profiles of an import job", metadata: [
                "job_id": "\(job.jobID)", "failed": "\(failed)", "imported": "\(job.completedCount)", "status": "\(job.status)",
            ])
        }
        ctx.pendingJob = nil
        return .next(.send)
    }

    private func report(_ ctx: Context) -> ProfileSyncReport {
        ProfileSyncReport(run: ctx.runNumber ?? 0, cursorFrom: ctx.cursorFrom, cursorTo: ctx.position?.text ?? ctx.cursorFrom,
                          batches: ctx.batches, profilesSent: ctx.profilesSent, skippedWithoutEmail: ctx.skippedWithoutEmail, jobIDs: ctx.jobIDs,
                          profilesImported: ctx.profilesImported ?? 0, profilesFailed: ctx.profilesFailed ?? 0,
                          failures: ctx.importFailures ?? [], unfinishedJobs: ctx.unfinishedJobs ?? [])
    }
}
