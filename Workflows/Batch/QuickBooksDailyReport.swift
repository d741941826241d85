import Foundation

/// What a run of the nightly accounting batch completes with, stored as the run's output: the
/// file it uploaded, the invoices it created, and the reconciliation's exception report. Exists
/// so finance (and `sundial batches list|report`, later the admin API) can read every run,
/// including earlier runs of a rerun date, which are never changed.
public struct QuickBooksDailyReport: Codable, Sendable, Equatable {
    public var businessDate: String
    public var timeZone: String
    public var runNumber: Int
    public var previousRunIDs: [UUID]
    public var reason: String?
    public var actor: String?
    /// The CSV's name in the import folder.
    public var fileName: String
    public var fileBytes: Int
    /// Orders completed on the date (up to ``extractedThrough``).
    public var orders: Int
    /// The end of the extraction window: the end of the day, or the run's start when it ran
    /// before midnight (orders completed later go to a rerun).
    public var extractedThrough: Date
    /// Invoices this run created in QuickBooks.
    public var invoicesCreated: Int
    /// Orders without an invoice id whose invoice already existed under their document number.
    public var invoicesFound: Int
    /// Orders the order workflow had already invoiced.
    public var alreadyInvoiced: Int
    /// Orders whose payment and invoice matched.
    public var matched: Int
    public var exceptions: [ReconciliationException]

    enum CodingKeys: String, CodingKey {
        case businessDate = "business_date", timeZone = "time_zone", runNumber = "run_number"
        case previousRunIDs = "previous_run_ids", reason, actor, fileName = "file_name", fileBytes = "file_bytes"
        case orders, extractedThrough = "extracted_through", invoicesCreated = "invoices_created"
        case invoicesFound = "invoices_found", alreadyInvoiced = "already_invoiced", matched, exceptions
    }

    /// Share of orders matched automatically (INT-010 asks for 95 %); 1 when there were none.
    public var automatedShare: Double { orders == 0 ? 1 : Double(matched) / Double(orders) }

    /// The exception report as RFC 4180 CSV.
    public var exceptionsCSV: String {
        var writer = CSVWriter(header: ReconciliationException.csvColumns)
        for row in exceptions { writer.append(row.csvFields) }
        return writer.text
    }
}
