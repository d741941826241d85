import Foundation
import Integrations
import Sundial

/// Everything the nightly batch talks to, handed in by the worker at start: the engine's
/// records (the day's completed orders), the import folder (SFTP) and the books (QuickBooks,
/// behind the fleet's API guard). A process that only starts or inspects batches passes
/// ``unavailable``.
public struct BatchServices: Sendable {
    public var records: any WorkflowRecords
    public var files: any FileDrop
    public var accounting: any AccountingSystem
    public var settings: BatchSettings

    public init(records: any WorkflowRecords, files: any FileDrop, accounting: any AccountingSystem, settings: BatchSettings = BatchSettings()) {
        self.records = records
        self.files = files
        self.accounting = accounting
        self.settings = settings
    }

    /// Every call fails with a clear, permanent error.
    public static var unavailable: BatchServices {
        let none = UnavailableBatchService()
        return BatchServices(records: none, files: none, accounting: none)
    }
}

/// Stands in for the batch's services in a process that must never run a batch step, or in a
/// worker without SFTP configured.
struct UnavailableBatchService: WorkflowRecords, FileDrop, AccountingSystem {
    var why = "the nightly batch's services are not configured in this process"
    private func refuse() -> WorkflowError { .permanent(why) }

    func completed(type: String, finishedFrom from: Date, before: Date, after cursor: RecordCursor?, limit: Int) async throws
        -> [CompletedWorkflowRecord] { throw refuse() }
    func runs(type: String, businessDate: String) async throws -> [WorkflowRunRecord] { throw refuse() }
    func deliver(_ contents: [UInt8], as fileName: String) async throws { throw refuse() }
    func createInvoice(_ invoice: InvoiceRequest, idempotencyKey: String) async throws -> Invoice { throw refuse() }
    func findInvoice(docNumber: String) async throws -> Invoice? { throw refuse() }
}

extension BatchServices {
    /// A file drop that refuses every delivery with `why` (a worker without SFTP settings).
    public static func unconfiguredFileDrop(_ why: String) -> any FileDrop { UnavailableBatchService(why: why) }
}
