import Foundation
import Integrations
import Sundial
import Testing
@testable import Workflows

@Suite("Sales-summary CSV and store calendar")
struct SalesSummaryCSVTests {
    @Test("RFC 4180: CRLF after every record; comma, quote, CR and LF quoted; quotes doubled")
    func quoting() {
        var writer = CSVWriter(header: ["a", "b"])
        writer.append(["plain", "with,comma"])
        writer.append(["say \"hi\"", "line\nbreak"])
        writer.append(["cr\rhere", "crlf\r\nhere"])
        writer.append(["", " spaced "])
        #expect(writer.text == "a,b\r\nplain,\"with,comma\"\r\n\"say \"\"hi\"\"\",\"line\nbreak\"\r\n\"cr\rhere\",\"crlf\r\nhere\"\r\n, spaced \r\n")
        #expect(CSVWriter.field("\"") == "\"\"\"\"")
        #expect(writer.bytes == Array(writer.text.utf8))
    }

    @Test("money is exact: decimal strings with two digits, no floating point")
    func exactDecimals() throws {
        var outcome = sampleOutcome("SO-EXACT")
        outcome.items = [
            OrderLineItem(sku: "A", quantity: 3, unitPrice: ExactDecimal(text: "0.10")!),
            OrderLineItem(sku: "B,\"x\"", quantity: 1, unitPrice: ExactDecimal(text: "0.20")!),
        ]
        outcome.subtotal = ExactDecimal(Decimal(string: "0.5")!, fractionDigits: 2)
        outcome.shippingAmount = ExactDecimal(text: "0")!
        outcome.taxAmount = ExactDecimal(text: "0.04")!
        outcome.total = ExactDecimal(Decimal(string: "0.54")!, fractionDigits: 2)
        let row = SalesSummaryRow(outcome: outcome, businessDate: "2026-11-25", completedAt: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(row.fields.count == SalesSummaryRow.columns.count)
        let field = { (name: String) in row.fields[SalesSummaryRow.columns.firstIndex(of: name)!] }
        #expect(field("subtotal") == "0.50")
        #expect(field("shipping") == "0.00")
        #expect(field("tax") == "0.04")
        #expect(field("total") == "0.54")
        #expect(field("amount_captured") == "0.54")
        #expect(field("line_items") == "A x 3 @ 0.10; B,\"x\" x 1 @ 0.20")
        #expect(field("item_quantity") == "4")
        #expect(field("currency") == "USD")
        var writer = CSVWriter()
        writer.append(row.fields)
        #expect(writer.text.contains(",\"A x 3 @ 0.10; B,\"\"x\"\" x 1 @ 0.20\",4,0.50,0.00,0.04,0.54,"))
        // Large amounts stay exact where a Double would not.
        let big = ExactDecimal(Decimal(string: "12345678901234.57")!, fractionDigits: 2)
        #expect(big.description == "12345678901234.57")
        #expect(SalesSummaryRow.fileName(businessDate: "2026-11-25", runNumber: 2) == "sales-summary-2026-11-25-run2.csv")
    }

    @Test("business days in store time, across a DST change; deadline is the next local midnight")
    func storeCalendar() throws {
        let chicago = try StoreCalendar(timeZone: "America/Chicago")
        let day = try #require(chicago.bounds(of: "2026-11-01"))  // clocks go back: a 25-hour day
        #expect(day.end.timeIntervalSince(day.start) == 25 * 3600)
        #expect(SalesSummaryRow.timestamp(day.start) == "2026-11-01T05:00:00Z")
        #expect(chicago.deadline(of: "2026-11-25").map(SalesSummaryRow.timestamp) == "2026-11-26T06:00:00Z")
        #expect(chicago.businessDate(of: Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18")
        #expect(chicago.bounds(of: "2026-02-30") == nil)
        #expect(chicago.bounds(of: "26-11-25") == nil)
        #expect(chicago.date("2026-03-01", plusDays: -1) == "2026-02-28")
        #expect(throws: (any Error).self) { try StoreCalendar(timeZone: "Mars/Olympus") }
        let schedule = try QuickBooksDailyWorkflow.schedule()
        let slot = try #require(schedule.schedule.nextFire(after: day.start))
        #expect(SalesSummaryRow.timestamp(slot) == "2026-11-02T05:00:00Z")  // 23:00 CST on Nov 1
        #expect(try schedule.start(for: slot).input.contains("\"business_date\":\"2026-11-01\""))
    }

    @Test("a known_hosts line or a fingerprint pins the host key; reruns are numbered and need a reason")
    func hostKeysAndReruns() throws {
        let line = "[127.0.0.1]:2222 ssh-ed25519 \(Data((0..<51).map { UInt8($0) }).base64EncodedString()) comment"
        let entry = try #require(KnownHostsEntry(line))
        #expect(entry.fingerprint.hasPrefix("SHA256:") && !entry.fingerprint.hasSuffix("="))
        #expect(KnownHostsEntry("SHA256:abc")?.fingerprint == "SHA256:abc")
        #expect(KnownHostsEntry("host ssh-ed25519 !!!") == nil)

        #expect(throws: InputError.self) { try BatchRerun(businessDate: "2026-11-25", earlierRuns: [], reason: "  ", actor: "x") }
        let rerun = try BatchRerun(businessDate: "2026-11-25", earlierRuns: [], reason: "late orders", actor: "fin")
        #expect(rerun.input.runNumber == 1 && rerun.key == "quickbooks-daily/2026-11-25/run1")
        #expect(!QuickBooksDailyInput(businessDate: "2026-11-25", runNumber: 2).problems().isEmpty)
    }
}

