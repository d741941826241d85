import Foundation

/// What the order workflow needs from the books: create the order's invoice exactly once, and
/// find it again by document number. Exists so the workflow is written against this protocol and
/// ``QuickBooksClient`` (or a test double) stands behind it.
public protocol AccountingSystem: Sendable {
    /// Creates the invoice. Calling again with the same `idempotencyKey` returns the original
    /// invoice instead of creating a second one (QuickBooks `requestid`).
    func createInvoice(_ invoice: InvoiceRequest, idempotencyKey: String) async throws -> Invoice
    /// The invoice with this `DocNumber`, if any: reconciliation after a long outage, when the
    /// `requestid` may no longer be remembered.
    func findInvoice(docNumber: String) async throws -> Invoice?
}
