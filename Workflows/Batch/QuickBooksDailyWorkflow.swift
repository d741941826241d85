import Foundation
import Integrations
import Sundial

/// The nightly accounting batch (INT-010), one run per business date D, scheduled daily at
/// 23:00 store time (``schedule(timeZone:)``):
///
/// 1. **extract**: counts the `order` workflows completed on D (store time) from Sundial's own
///    records and fixes the extraction window, so every later step reads the same orders;
/// 2. **upload**: writes the sales-summary CSV (``SalesSummaryRow``) page by page and delivers it
///    to the import folder as `sales-summary-<D>-run<n>.csv` (atomically, by the ``FileDrop``);
///    a wrong host key or a refused login fails the run at once, a dropped connection retries;
/// 3. **invoice**: for orders without an invoice, in chunks of ``BatchSettings/chunkSize`` per
///    state visit with the cursor in the context, so a crash resumes at the next chunk. Never
///    twice per order: the invoice is looked up by the order's document number first, and
///    created with the order workflow's own `requestid` key (`<order workflow id>/invoice`);
/// 4. **reconcile**: matches each order's captured payment to its invoice in QuickBooks, in
///    chunks, and completes with the ``QuickBooksDailyReport`` and its exception report.
///
/// A rerun (`sundial batches rerun`) is a new instance with run number n+1: it uploads its own
/// file and creates only the invoices still missing; earlier runs are left as they are.
public struct QuickBooksDailyWorkflow: Workflow {
    public static let name = "quickbooks-daily"
    public static let version = 1
    public static let initialState = QuickBooksDailyState.extract

    /// The run's path for the dashboard's diagram: `invoice` and `reconcile` repeat once per chunk.
    public static let stateGraph: [QuickBooksDailyState: [QuickBooksDailyState]] = [
        .extract: [.upload], .upload: [.invoice], .invoice: [.invoice, .reconcile], .reconcile: [.reconcile],
    ]

    public typealias State = QuickBooksDailyState
    public typealias Input = QuickBooksDailyInput
    public typealias Context = QuickBooksDailyContext
    public typealias Output = QuickBooksDailyReport

    public let services: BatchServices

    public init(services: BatchServices) { self.services = services }

    public static func validate(_ input: QuickBooksDailyInput) throws {
        let problems = input.problems()
        if !problems.isEmpty { throw InputError(problems) }
    }

    public static func makeContext(from input: QuickBooksDailyInput) -> QuickBooksDailyContext { QuickBooksDailyContext(input: input) }

    /// Daily at 23:00 store time; a slot missed while no worker ran fires once when one starts.
    /// The slot's store date is the business date.
    public static func schedule(timeZone: String = StoreCalendar.defaultTimeZone) throws -> ScheduleDeclaration {
        let calendar = try StoreCalendar(timeZone: timeZone)
        return ScheduleDeclaration(name, workflow: Self.self, schedule: try Schedule(cron: "0 23 * * *", timeZone: timeZone),
                                   misfire: .runOnce) { slot in
            QuickBooksDailyInput(businessDate: calendar.businessDate(of: slot), timeZone: timeZone, actor: "scheduler")
        }
    }

    public func policy(for state: QuickBooksDailyState) -> StatePolicy<QuickBooksDailyState> {
        switch state {
        case .extract:
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(1), maxDelay: .seconds(30), maxAttempts: 8), timeout: .seconds(120))
        case .upload:
            // SFTPError says what is worth a retry: a dropped connection is, a wrong host key or a
            // refused login is not (the run fails at once with the error as last_error).
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(2), maxDelay: .seconds(60), maxAttempts: 8), timeout: .seconds(180))
        case .invoice, .reconcile:
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(2), maxDelay: .seconds(120), maxAttempts: 10), timeout: .seconds(300))
        }
    }

    public func run(_ state: QuickBooksDailyState, _ ctx: inout QuickBooksDailyContext, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .extract: return try await extract(&ctx, step)
        case .upload: return try await upload(&ctx, step)
        case .invoice: return try await invoiceChunk(&ctx, step)
        case .reconcile: return try await reconcileChunk(&ctx, step)
        }
    }

    // MARK: States

    private func extract(_ ctx: inout QuickBooksDailyContext, _ step: Step<Self>) async throws -> Next {
        let calendar = try StoreCalendar(timeZone: ctx.input.timeZone)
        guard let day = calendar.bounds(of: ctx.input.businessDate) else {
            throw WorkflowError.permanent("business date \(ctx.input.businessDate) is not a date")
        }
        // A run before midnight reads up to now; the orders completed later go to a rerun.
        // Whole seconds (rounded up), so the window survives the context's JSON exactly.
        let through = min(day.end, Date(timeIntervalSince1970: step.now.timeIntervalSince1970.rounded(.up)))
        var count = 0
        var cursor: RecordCursor?
        while true {
            let page = try await services.records.completed(
                type: services.settings.orderWorkflowType, finishedFrom: day.start, before: through, after: cursor, limit: services.settings.pageSize)
            count += page.count
            guard let last = page.last, page.count == services.settings.pageSize else { break }
            cursor = last.cursor
        }
        ctx.windowStart = day.start
        ctx.extractedThrough = through
        ctx.orders = count
        step.logger.info("extracted the day's completed orders", metadata: [
            "business_date": "\(ctx.input.businessDate)", "orders": "\(count)", "run_number": "\(ctx.input.runNumber)",
        ])
        return .next(.upload)
    }

    private func upload(_ ctx: inout QuickBooksDailyContext, _ step: Step<Self>) async throws -> Next {
        var writer = CSVWriter(header: SalesSummaryRow.columns)
        try await forEachOrder(ctx, pageSize: services.settings.pageSize, after: nil, limit: nil) { record, outcome in
            guard let outcome else { return }
            writer.append(SalesSummaryRow(outcome: outcome, businessDate: ctx.input.businessDate, completedAt: record.finishedAt).fields)
        }
        let name = SalesSummaryRow.fileName(businessDate: ctx.input.businessDate, runNumber: ctx.input.runNumber)
        let bytes = writer.bytes
        try await services.files.deliver(bytes, as: name)
        ctx.fileName = name
        ctx.fileBytes = bytes.count
        step.logger.info("uploaded the sales summary", metadata: ["file": "\(name)", "bytes": "\(bytes.count)"])
        return .next(.invoice)
    }

    private func invoiceChunk(_ ctx: inout QuickBooksDailyContext, _ step: Step<Self>) async throws -> Next {
        let chunk = services.settings.chunkSize
        var cursor = ctx.invoiceCursor
        var seen = 0
        var created = 0, found = 0, already = 0
        let stoppedEarly = try await keepingProgress(step, done: { seen }) {
            try await forEachOrder(ctx, pageSize: chunk, after: ctx.invoiceCursor, limit: chunk) { record, outcome in
                if let outcome {
                    if outcome.invoiceID != nil {
                        already += 1
                    } else {
                        let docNumber = OrderWorkflow.docNumber(outcome.orderID)
                        if try await services.accounting.findInvoice(docNumber: docNumber) != nil {
                            found += 1
                        } else {
                            let invoice = try await services.accounting.createInvoice(
                                invoiceRequest(for: outcome, docNumber: docNumber, date: ctx.input.businessDate),
                                idempotencyKey: "\(record.id.uuidString.lowercased())/invoice")
                            created += 1
                            step.logger.info("invoiced an order", metadata: ["order_id": "\(outcome.orderID)", "invoice_id": "\(invoice.id)"])
                        }
                    }
                }
                seen += 1
                cursor = record.cursor
            }
        }
        ctx.invoiceCursor = cursor
        ctx.invoiceChunks += 1
        ctx.invoicesCreated += created
        ctx.invoicesFound += found
        ctx.alreadyInvoiced += already
        return stoppedEarly || seen == chunk ? .next(.invoice) : .next(.reconcile)
    }

    private func reconcileChunk(_ ctx: inout QuickBooksDailyContext, _ step: Step<Self>) async throws -> Next {
        let chunk = services.settings.chunkSize
        var cursor = ctx.reconcileCursor
        var seen = 0
        var matched = 0
        var exceptions: [ReconciliationException] = []
        let stoppedEarly = try await keepingProgress(step, done: { seen }) {
            try await forEachOrder(ctx, pageSize: chunk, after: ctx.reconcileCursor, limit: chunk) { record, outcome in
                if let outcome {
                    if let problem = try await reconcile(outcome, workflowID: record.id) {
                        exceptions.append(problem)
                    } else {
                        matched += 1
                    }
                } else {
                    exceptions.append(ReconciliationException(
                        orderID: record.businessKey, orderWorkflowID: record.id, reason: .unreadableOutcome,
                        detail: "the order's output is not an OrderOutcome"))
                }
                seen += 1
                cursor = record.cursor
            }
        }
        ctx.reconcileCursor = cursor
        ctx.matched += matched
        ctx.exceptions += exceptions
        guard !stoppedEarly, seen < chunk else { return .next(.reconcile) }
        if !ctx.exceptions.isEmpty {
            step.logger.warning("reconciliation found exceptions", metadata: [
                "business_date": "\(ctx.input.businessDate)", "exceptions": "\(ctx.exceptions.count)", "orders": "\(ctx.orders)",
            ])
        }
        return .complete(report(ctx))
    }

    // MARK: Helpers

    /// Runs one chunk's work; when a call fails after some orders of the chunk were done, keeps
    /// them (answers true: the state commits its cursor and visits again, so a flaky API does
    /// not make a whole chunk start over) instead of throwing. A failure on the chunk's first
    /// order, a cancellation or a lost lease is thrown: the state's retry policy applies.
    private func keepingProgress(_ step: Step<Self>, done: () -> Int, _ work: () async throws -> Void) async throws -> Bool {
        do {
            try await work()
            return false
        } catch {
            if error is CancellationError || error is LeaseLost || done() == 0 { throw error }
            step.logger.warning("a call failed mid-chunk; keeping the orders done and going on from there", metadata: [
                "done": "\(done())", "error": "\(error)",
            ])
            return true
        }
    }

    /// Calls `body` for the orders of the run's window after `cursor`, in (finish time, id)
    /// order, reading `pageSize` at a time, stopping after `limit` when given. The outcome is nil
    /// when the order's output does not decode.
    private func forEachOrder(
        _ ctx: QuickBooksDailyContext, pageSize: Int, after cursor: RecordCursor?, limit: Int?,
        _ body: (CompletedWorkflowRecord, OrderOutcome?) async throws -> Void
    ) async throws {
        guard let start = ctx.windowStart, let through = ctx.extractedThrough else {
            throw WorkflowError.permanent("the extraction window is not set")
        }
        var cursor = cursor
        var remaining = limit ?? Int.max
        while remaining > 0 {
            let wanted = min(pageSize, remaining)
            let page = try await services.records.completed(
                type: services.settings.orderWorkflowType, finishedFrom: start, before: through, after: cursor, limit: wanted)
            for record in page {
                try await body(record, try? record.output(as: OrderOutcome.self))
            }
            remaining -= page.count
            guard let last = page.last, page.count == wanted else { break }
            cursor = last.cursor
        }
    }

    /// The invoice exactly as the order workflow asks for it (merchandise lines and shipping),
    /// so a `requestid` the order workflow already used replays the same invoice.
    private func invoiceRequest(for outcome: OrderOutcome, docNumber: String, date: String) -> InvoiceRequest {
        let settings = services.settings.invoice
        var lines = outcome.items.map {
            InvoiceLine(itemID: settings.merchandiseItemID, description: "\($0.sku)\($0.description.map { " \($0)" } ?? "")",
                        quantity: Decimal($0.quantity), unitPrice: $0.unitPrice.value)
        }
        if outcome.shippingAmount.value > 0 {
            lines.append(InvoiceLine(itemID: settings.shippingItemID, description: "Shipping", quantity: 1, unitPrice: outcome.shippingAmount.value))
        }
        return InvoiceRequest(customerID: settings.invoiceCustomerID, docNumber: docNumber, lines: lines, txnDate: date,
                              privateNote: "Sundial order \(outcome.orderID), customer \(outcome.customer.id)")
    }

    /// Nil when the order's payment matches its invoice, else the exception. The invoices
    /// Sundial sends carry merchandise and shipping; sales tax is added by QuickBooks' tax
    /// engine (or not at all), so an invoice total equal to the captured amount, or to the
    /// captured amount less the order's tax, matches.
    private func reconcile(_ outcome: OrderOutcome, workflowID: UUID) async throws -> ReconciliationException? {
        let captured = ExactDecimal(outcome.total.value, fractionDigits: 2)
        guard !outcome.paymentIntentID.isEmpty else {
            return ReconciliationException(orderID: outcome.orderID, orderWorkflowID: workflowID, reason: .missingPayment,
                                           detail: "the order completed without a captured payment", invoiceID: outcome.invoiceID)
        }
        guard let invoice = try await services.accounting.findInvoice(docNumber: OrderWorkflow.docNumber(outcome.orderID)) else {
            return ReconciliationException(orderID: outcome.orderID, orderWorkflowID: workflowID, reason: .missingInvoice,
                                           detail: "no invoice has document number \(OrderWorkflow.docNumber(outcome.orderID))",
                                           captured: captured)
        }
        let invoiced = invoice.totalAmount.map { ExactDecimal($0, fractionDigits: 2) }
        let lessTax = outcome.total.value - outcome.taxAmount.value
        guard let total = invoice.totalAmount, total == outcome.total.value || total == lessTax else {
            return ReconciliationException(
                orderID: outcome.orderID, orderWorkflowID: workflowID, reason: .amountMismatch,
                detail: "captured \(captured) (tax \(ExactDecimal(outcome.taxAmount.value, fractionDigits: 2))), invoice total \(invoiced?.description ?? "unknown")",
                captured: captured, invoiced: invoiced, invoiceID: invoice.id)
        }
        return nil
    }

    private func report(_ ctx: QuickBooksDailyContext) -> QuickBooksDailyReport {
        QuickBooksDailyReport(
            businessDate: ctx.input.businessDate, timeZone: ctx.input.timeZone, runNumber: ctx.input.runNumber,
            previousRunIDs: ctx.input.previousRunIDs, reason: ctx.input.reason, actor: ctx.input.actor,
            fileName: ctx.fileName ?? "", fileBytes: ctx.fileBytes, orders: ctx.orders,
            extractedThrough: ctx.extractedThrough ?? Date(), invoicesCreated: ctx.invoicesCreated,
            invoicesFound: ctx.invoicesFound, alreadyInvoiced: ctx.alreadyInvoiced, matched: ctx.matched,
            exceptions: ctx.exceptions)
    }
}
