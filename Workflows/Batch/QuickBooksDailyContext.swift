import Foundation
import Sundial

/// What a run of the nightly accounting batch remembers between states: counts and cursors,
/// never the orders themselves (those are re-read page by page), so the context stays small
/// whatever the day's volume. The cursors make each chunk a checkpoint.
public struct QuickBooksDailyContext: Codable, Sendable, Equatable {
    public var input: QuickBooksDailyInput
    /// The extraction window `[windowStart, extractedThrough)`, fixed by the first extract so
    /// every later state (and a retried upload) reads exactly the same orders.
    public var windowStart: Date?
    public var extractedThrough: Date?
    public var orders = 0
    public var fileName: String?
    public var fileBytes = 0
    /// The last order the invoice chunks finished; nil before the first chunk.
    public var invoiceCursor: RecordCursor?
    public var invoiceChunks = 0
    public var invoicesCreated = 0
    public var invoicesFound = 0
    public var alreadyInvoiced = 0
    /// The last order reconciled.
    public var reconcileCursor: RecordCursor?
    public var matched = 0
    public var exceptions: [ReconciliationException] = []

    public init(input: QuickBooksDailyInput) { self.input = input }
}
