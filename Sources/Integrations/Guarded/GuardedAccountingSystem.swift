import Sundial

/// An ``AccountingSystem`` whose every call goes through the fleet's ``APIGuard`` (QuickBooks:
/// 10 concurrent and 500 per minute per company, shared by all workers).
public struct GuardedAccountingSystem: AccountingSystem {
    public let base: any AccountingSystem
    public let api: String
    public let apiGuard: any APIGuard

    public init(_ base: any AccountingSystem, api: String = "quickbooks", guard apiGuard: any APIGuard) {
        self.base = base
        self.api = api
        self.apiGuard = apiGuard
    }

    public func createInvoice(_ invoice: InvoiceRequest, idempotencyKey: String) async throws -> Invoice {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.createInvoice(invoice, idempotencyKey: idempotencyKey) }
    }

    public func findInvoice(docNumber: String) async throws -> Invoice? {
        try await apiGuard.perform(api, outcome: APIHealth.outcome) { try await base.findInvoice(docNumber: docNumber) }
    }
}
