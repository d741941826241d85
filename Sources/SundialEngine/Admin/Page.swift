import Foundation

/// One page of an operator listing (admin API, dashboard, CLI) and the cursor of the next page
/// (nil on the last). Exists so every paginated read answers alike: rows in a stable order,
/// continued by keyset from where the page ended, never by offset.
public struct Page<Row: Sendable>: Sendable {
    public let rows: [Row]
    public let next: ListCursor?

    public init(rows: [Row], next: ListCursor?) {
        self.rows = rows
        self.next = next
    }
}

/// How many rows a page of each operator listing holds unless asked (`limit`), and at most.
/// Exists so the admin API, its OpenAPI document, the dashboard and the CLI bound every read the
/// same way: nothing an operator can ask for reads an unbounded number of rows.
public struct PageSize: Sendable, Equatable {
    public let standard: Int
    public let maximum: Int

    public static let workflows = PageSize(standard: 50, maximum: 500)
    public static let history = PageSize(standard: 100, maximum: 1000)
    public static let pendingSignals = PageSize(standard: 100, maximum: 1000)
    public static let audit = PageSize(standard: 50, maximum: 500)
    public static let parkedOutbox = PageSize(standard: 100, maximum: 500)
    public static let schedules = PageSize(standard: 100, maximum: 500)
    public static let workers = PageSize(standard: 100, maximum: 500)
    public static let batchRuns = PageSize(standard: 50, maximum: 1000)
}
