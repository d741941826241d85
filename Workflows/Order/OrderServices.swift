import Foundation
import Integrations
import Sundial

/// Everything the order workflow talks to, handed in by the worker at start. Exists so the
/// workflow is written against protocols: the worker passes the real clients (wrapped in the
/// fleet's API guard), a process that only starts orders passes ``unavailable``.
public struct OrderServices: Sendable {
    public var payments: any PaymentGateway
    /// Carriers by routing key (`fedex`, `ups`, `usps`).
    public var carriers: [String: any Carrier]
    public var routing: CarrierRouting
    public var accounting: any AccountingSystem
    public var labels: any LabelArchive
    /// The warehouse address printed as shipper.
    public var shipper: PostalAddress
    public var settings: OrderSettings

    public init(
        payments: any PaymentGateway, carriers: [String: any Carrier], routing: CarrierRouting = .standard,
        accounting: any AccountingSystem, labels: any LabelArchive, shipper: PostalAddress = OrderServices.warehouse,
        settings: OrderSettings = OrderSettings()
    ) {
        self.payments = payments
        self.carriers = carriers
        self.routing = routing
        self.accounting = accounting
        self.labels = labels
        self.shipper = shipper
        self.settings = settings
    }

    /// SunStyle's warehouse.
    public static let warehouse = PostalAddress(
        name: "SunStyle Fulfilment", company: "SunStyle Retail", phone: "9015550100",
        streetLines: ["3600 Distribution Pkwy"], city: "Memphis", stateCode: "TN", postalCode: "38118")

    /// For processes that start orders but never run their steps (the intake server): every
    /// call fails with a clear, permanent error.
    public static var unavailable: OrderServices {
        let none = UnavailableService()
        return OrderServices(payments: none, carriers: [:], accounting: none, labels: none)
    }
}

/// The order workflow's timings and bookkeeping choices.
public struct OrderSettings: Sendable, Equatable {
    /// How long the tracking loop waits for a webhook before asking the carrier (INT-003: 15 min).
    public var pollInterval: Duration = .seconds(15 * 60)
    /// No tracking progress for this long moves the order to `needsAttention`.
    public var stallAfter: Duration = .seconds(3 * 24 * 3600)
    /// How long an asynchronous payment may stay `processing` before the order is cancelled.
    public var paymentConfirmationTimeout: Duration = .seconds(30 * 60)
    /// How long after a FedEx/UPS label is bought a sweep looks for stray labels under the same
    /// reference (a stale run's purchase landing late).
    public var straySweepDelaySeconds = 300
    /// Rounds through every carrier before the order gives up (authorization released,
    /// `compensated`), and the pause between two rounds: an outage of a few seconds on every
    /// carrier at once (their circuits open) is waited out, not turned into a lost sale. Keep the
    /// pause longer than the carriers' circuit cooldown (30 s by default), so the next round's
    /// first try is the probe that can close a circuit rather than a refusal.
    public var labelRounds = 3
    public var labelRoundPause: Duration = .seconds(45)
    /// How long an order may wait in `invoice` before the step first looks its invoice up by
    /// document number (an earlier attempt's requestid QuickBooks may have forgotten); sooner, the
    /// stable requestid alone keeps it to one invoice.
    public var invoiceLookupAfter: Duration = .seconds(3600)
    /// QuickBooks customer the online orders are invoiced to.
    public var invoiceCustomerID = "1"
    /// Tries of the undo that looks for an order's payments by `metadata[order_id]` (after a lost
    /// authorization answer) before an empty answer is believed: Stripe's search can lag about a
    /// minute behind, and 8 tries of the compensation backoff span about 2 minutes.
    public var paymentSearchTries = 8
    /// QuickBooks items for merchandise and shipping lines.
    public var merchandiseItemID = "1"
    public var shippingItemID = "2"

    public init() {}
}

/// Stands in for every outside service in a process that must never call one.
struct UnavailableService: PaymentGateway, AccountingSystem, LabelArchive {
    private func refuse() -> WorkflowError { .permanent("outside services are not configured in this process (it only starts orders)") }

    func authorize(_ request: PaymentAuthorizationRequest, idempotencyKey: String) async throws -> PaymentIntent { throw refuse() }
    func capture(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentIntent { throw refuse() }
    func cancelAuthorization(paymentIntentID: String, reason: CancellationReason?, idempotencyKey: String) async throws -> PaymentIntent { throw refuse() }
    func refund(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentRefund { throw refuse() }
    func retrieve(paymentIntentID: String) async throws -> PaymentIntent { throw refuse() }
    func payments(forOrder orderID: String) async throws -> [PaymentIntent] { throw refuse() }
    func createInvoice(_ invoice: InvoiceRequest, idempotencyKey: String) async throws -> Invoice { throw refuse() }
    func findInvoice(docNumber: String) async throws -> Invoice? { throw refuse() }
    func store(_ label: ShippingLabel, orderID: String) async throws -> String { throw refuse() }
}
