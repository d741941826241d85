import Foundation
import Sandbox
import Testing

@Suite("QuickBooks simulator")
struct QuickBooksSimulatorTests {
    static let realm = "9341453050298461"
    static let auth = ["Authorization": "Bearer qbo-sandbox-access-token", "Accept": "application/json"]

    static func invoice(docNumber: String) -> [String: Any] {
        [
            "CustomerRef": ["value": "1"],
            "DocNumber": docNumber,
            "Line": [
                ["Amount": 59.97, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": "1"], "Qty": 3, "UnitPrice": 19.99]],
                ["Amount": 4.95, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": "2"]]],
            ],
        ]
    }

    @Test("the same requestid never creates a second invoice; a reused DocNumber is fault 6210")
    func requestIDIdempotency() async throws {
        try await withSandbox { sandbox, client in
            let path = "/quickbooks/v3/company/\(Self.realm)/invoice?minorversion=75&requestid=order-11-invoice"
            let first = try await client.json(path, Self.invoice(docNumber: "SO-11"), headers: Self.auth)
            #expect(first.status == 200)
            let id = try #require(string(first.json, "Invoice", "Id"))
            #expect(first.text.contains("\"TotalAmt\":64.92"))
            #expect(string(first.json, "Invoice", "DocNumber") == "SO-11")

            let retry = try await client.json(path, Self.invoice(docNumber: "SO-11"), headers: Self.auth)
            #expect(retry.status == 200)
            #expect(string(retry.json, "Invoice", "Id") == id)
            #expect(sandbox.ledger.count(.quickbooks, .invoiceCreated) == 1)
            #expect(sandbox.ledger.count(.quickbooks, .invoiceCreated, idempotencyKey: "order-11-invoice", reference: "SO-11") == 1)
            #expect(sandbox.ledger.snapshot().tally(.quickbooks, .invoiceCreated).amount == "64.92")

            let otherRequest = try await client.json(
                "/quickbooks/v3/company/\(Self.realm)/invoice?minorversion=75&requestid=order-11-invoice-b", Self.invoice(docNumber: "SO-11"), headers: Self.auth)
            #expect(otherRequest.status == 400)
            #expect(string(otherRequest.json, "Fault", "type") == "ValidationFault")
            #expect(string(otherRequest.json, "Fault", "Error", 0, "code") == "6210")

            let query = "select * from Invoice where DocNumber = 'SO-11'"
            let found = try await client.send(.GET, "/quickbooks/v3/company/\(Self.realm)/query?query=\(formEncode([("q", query)]).dropFirst(2))&minorversion=75", headers: Self.auth)
            #expect(found.status == 200)
            #expect((value(found.json, "QueryResponse", "Invoice") as? [Any])?.count == 1)
            let none = try await client.send(.POST, "/quickbooks/v3/company/\(Self.realm)/query", headers: Self.auth.merging(["Content-Type": "application/text"]) { $1 }, body: Array("select * from Invoice where DocNumber = 'nope'".utf8))
            #expect((value(none.json, "QueryResponse") as? [String: Any])?.isEmpty == true)

            let read = try await client.send(.GET, "/quickbooks/v3/company/\(Self.realm)/invoice/\(id)", headers: Self.auth)
            #expect(string(read.json, "Invoice", "Id") == id)
        }
    }

    @Test("bad input gets ValidationFault; bad tokens get the lower-case 401 fault; no Accept gives XML")
    func faultsAndFormats() async throws {
        try await withSandbox { sandbox, client in
            let path = "/quickbooks/v3/company/\(Self.realm)/invoice?minorversion=75"
            var wrongAmount = Self.invoice(docNumber: "SO-12")
            wrongAmount["Line"] = [["Amount": 10, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": ["ItemRef": ["value": "1"], "Qty": 3, "UnitPrice": 19.99]]]
            let mismatch = try await client.json(path, wrongAmount, headers: Self.auth)
            #expect(mismatch.status == 400)
            #expect(string(mismatch.json, "Fault", "Error", 0, "code") == "6070")
            let noCustomer = try await client.json(path, ["Line": []], headers: Self.auth)
            #expect(string(noCustomer.json, "Fault", "Error", 0, "code") == "2020")
            let unknownCustomer = try await client.json(path, ["CustomerRef": ["value": "999"], "Line": [["Amount": 1, "DetailType": "DescriptionOnly"]]], headers: Self.auth)
            #expect(string(unknownCustomer.json, "Fault", "Error", 0, "code") == "2500")

            let unauthorized = try await client.json(path, Self.invoice(docNumber: "SO-13"), headers: ["Authorization": "Bearer expired", "Accept": "application/json"])
            #expect(unauthorized.status == 401)
            #expect(string(unauthorized.json, "fault", "error", 0, "code") == "3200")
            #expect(string(unauthorized.json, "fault", "type") == "AUTHENTICATION")

            let xml = try await client.json(path, Self.invoice(docNumber: "SO-14"), headers: ["Authorization": "Bearer qbo-sandbox-access-token"])
            #expect(xml.status == 200)
            #expect(xml.text.hasPrefix("<?xml"))
            #expect(xml.text.contains("<DocNumber>SO-14</DocNumber>"))

            let refreshed = try await client.form(
                "/quickbooks/oauth2/v1/tokens/bearer",
                [("grant_type", "refresh_token"), ("refresh_token", "qbo-sandbox-refresh-token")],
                headers: ["Authorization": basicAuth("qbo-sandbox-client-id", "qbo-sandbox-client-secret"), "Accept": "application/json"]
            )
            #expect(refreshed.status == 200)
            let access = try #require(string(refreshed.json, "access_token"))
            #expect(string(refreshed.json, "refresh_token") != nil)
            let withNewToken = try await client.send(.GET, "/quickbooks/v3/company/\(Self.realm)/query?query=select%20count(*)%20from%20Invoice", headers: ["Authorization": "Bearer \(access)", "Accept": "application/json"])
            #expect(value(withNewToken.json, "QueryResponse", "totalCount") as? Int == 1)
            #expect(sandbox.ledger.count(.quickbooks, .invoiceCreated) == 1)
        }
    }
}

@Suite("QuickBooks simulator under concurrency")
struct QuickBooksConcurrencyTests {
    @Test("concurrent creates with one requestid make exactly one invoice and all get its Id")
    func concurrentRequestID() async throws {
        try await withSandbox { sandbox, client in
            let path = "/quickbooks/v3/company/\(QuickBooksSimulatorTests.realm)/invoice?minorversion=75&requestid=order-51-invoice"
            let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let response = try await client.json(path, QuickBooksSimulatorTests.invoice(docNumber: "SO-51"), headers: QuickBooksSimulatorTests.auth)
                        return string(response.json, "Invoice", "Id")
                    }
                }
                var ids: [String?] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            #expect(ids.count == 6)
            #expect(Set(ids.compactMap { $0 }).count == 1)
            #expect(ids.allSatisfy { $0 != nil })
            #expect(sandbox.ledger.count(.quickbooks, .invoiceCreated, idempotencyKey: "order-51-invoice") == 1)
        }
    }
}
