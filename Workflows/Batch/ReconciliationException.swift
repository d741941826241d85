import Foundation

/// One order the reconciliation could not match, with the reason finance reviews it for.
/// Exists as the row of the exception report (INT-010 "exception report for mismatches"),
/// stored in the batch run's output and printed as JSON or CSV.
public struct ReconciliationException: Codable, Sendable, Equatable {
    /// Why the order needs a look, as finance filters the report by it.
    public enum Reason: String, Codable, Sendable, CaseIterable {
        /// No invoice in QuickBooks carries the order's document number.
        case missingInvoice = "missing_invoice"
        /// The invoice total matches neither the captured amount nor the captured amount less tax.
        case amountMismatch = "amount_mismatch"
        /// The order completed without a captured payment.
        case missingPayment = "missing_payment"
        /// The order's recorded outcome could not be read.
        case unreadableOutcome = "unreadable_outcome"
    }

    public var orderID: String
    public var orderWorkflowID: UUID
    public var reason: Reason
    public var detail: String
    /// What the customer paid (the captured amount), exact.
    public var captured: ExactDecimal?
    /// The invoice's total in QuickBooks, exact.
    public var invoiced: ExactDecimal?
    public var invoiceID: String?

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", orderWorkflowID = "order_workflow_id", reason, detail, captured, invoiced
        case invoiceID = "invoice_id"
    }

    public init(orderID: String, orderWorkflowID: UUID, reason: Reason, detail: String,
                captured: ExactDecimal? = nil, invoiced: ExactDecimal? = nil, invoiceID: String? = nil) {
        self.orderID = orderID
        self.orderWorkflowID = orderWorkflowID
        self.reason = reason
        self.detail = detail
        self.captured = captured
        self.invoiced = invoiced
        self.invoiceID = invoiceID
    }

    /// Header of the report's CSV form.
    public static let csvColumns = ["order_id", "order_workflow_id", "reason", "detail", "captured", "invoiced", "invoice_id"]

    /// This row in the report's CSV form.
    public var csvFields: [String] {
        [orderID, orderWorkflowID.uuidString.lowercased(), reason.rawValue, detail, captured?.description ?? "",
         invoiced?.description ?? "", invoiceID ?? ""]
    }
}
