import Foundation

/// The sales-summary CSV's fixed schema (INT-010): one record per completed order, columns in
/// the order of ``columns``, money as exact decimals with two digits (never floating point).
/// Exists so the file finance imports has one documented shape (README, "The nightly batch"),
/// built from the order workflow's ``OrderOutcome``.
public struct SalesSummaryRow: Sendable, Equatable {
    /// The header record, in column order.
    public static let columns = [
        "order_id", "business_date", "completed_at", "customer_id", "customer_name", "customer_email", "currency",
        "line_items", "item_quantity", "subtotal", "shipping", "tax", "total", "payment_intent_id", "amount_captured",
        "carrier", "tracking_number", "invoice_id",
    ]

    public var fields: [String]

    /// The record of one order completed at `completedAt` on `businessDate`.
    public init(outcome: OrderOutcome, businessDate: String, completedAt: Date) {
        let money = { (value: Decimal) in ExactDecimal(value, fractionDigits: 2).description }
        let lines = outcome.items.map { "\($0.sku) x \($0.quantity) @ \(money($0.unitPrice.value))" }
        let paid = !outcome.paymentIntentID.isEmpty
        fields = [
            outcome.orderID, businessDate, Self.timestamp(completedAt), outcome.customer.id, outcome.customer.name,
            outcome.customer.email ?? "", outcome.currency.uppercased(),
            lines.joined(separator: "; "), String(outcome.items.reduce(0) { $0 + $1.quantity }),
            money(outcome.subtotal.value), money(outcome.shippingAmount.value), money(outcome.taxAmount.value),
            money(outcome.total.value), outcome.paymentIntentID, money(paid ? outcome.total.value : 0),
            outcome.carrier, outcome.trackingNumber, outcome.invoiceID ?? "",
        ]
    }

    /// ISO 8601 in UTC with seconds (`2026-11-25T21:14:03Z`).
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// `sales-summary-<date>-run<n>.csv`: the business date and the run number, so a rerun never
    /// collides with the file of an earlier run.
    public static func fileName(businessDate: String, runNumber: Int) -> String {
        "sales-summary-\(businessDate)-run\(runNumber).csv"
    }
}
