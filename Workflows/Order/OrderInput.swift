import Foundation
import Integrations
import Sundial

/// An order as the e-commerce platform submits it to `POST /api/v1/orders` (INT-001), and as the
/// order workflow stores it. Money and weights are ``ExactDecimal`` strings; keys are snake_case
/// on the wire. ``validate()`` names every bad field at once.
public struct OrderInput: Codable, Sendable, Equatable {
    public var orderID: String
    public var customer: OrderCustomer
    public var items: [OrderLineItem]
    /// ISO 4217 code, lower case on the wire (`usd`).
    public var currency: String
    public var shippingAddress: ShippingAddress
    public var serviceLevel: ServiceLevel
    /// How the order is paid, exactly one of the two:
    /// a saved card (`pm_…`) Sundial authorizes server-side, merchant-initiated, …
    public var paymentMethod: String?
    /// … or a PaymentIntent (`pi_…`) the shop's checkout already authorized with the customer
    /// present (3-D Secure included, `capture_method=manual`): Sundial checks it and captures it
    /// at shipment. Absent in orders stored before it existed.
    public var paymentIntent: String?
    /// Shipping charged to the customer; 0 when absent.
    public var shippingAmount: ExactDecimal?
    /// Tax charged to the customer; 0 when absent.
    public var taxAmount: ExactDecimal?

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", customer, items, currency
        case shippingAddress = "shipping_address", serviceLevel = "service_level"
        case paymentMethod = "payment_method", paymentIntent = "payment_intent"
        case shippingAmount = "shipping_amount", taxAmount = "tax_amount"
    }

    public init(
        orderID: String, customer: OrderCustomer, items: [OrderLineItem], currency: String,
        shippingAddress: ShippingAddress, serviceLevel: ServiceLevel, paymentMethod: String? = nil,
        paymentIntent: String? = nil, shippingAmount: ExactDecimal? = nil, taxAmount: ExactDecimal? = nil
    ) {
        self.orderID = orderID
        self.customer = customer
        self.items = items
        self.currency = currency
        self.shippingAddress = shippingAddress
        self.serviceLevel = serviceLevel
        self.paymentMethod = paymentMethod
        self.paymentIntent = paymentIntent
        self.shippingAmount = shippingAmount
        self.taxAmount = taxAmount
    }

    /// Currencies the shop sells in; all have two minor digits.
    public static let currencies: Set<String> = ["usd", "cad", "eur", "gbp"]

    /// Σ quantity × unit price.
    public var subtotal: Decimal { items.reduce(Decimal(0)) { $0 + Decimal($1.quantity) * $1.unitPrice.value } }

    /// Subtotal + shipping + tax: what the card is authorized for.
    public var total: Decimal { subtotal + (shippingAmount?.value ?? 0) + (taxAmount?.value ?? 0) }

    /// The total in minor units (cents), exact.
    public var totalMinor: Int { NSDecimalNumber(decimal: total * 100).intValue }

    /// Σ quantity × item weight, at least 0.1 lb.
    public var weightPounds: Decimal {
        max(items.reduce(Decimal(0)) { $0 + Decimal($1.quantity) * ($1.weightPounds?.value ?? 1) }, Decimal(string: "0.1")!)
    }

    /// Every problem, keyed by field path (`items[0].quantity`); empty when the order is valid.
    public func problems() -> [String: String] {
        var problems: [String: String] = [:]
        let idCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
        if orderID.isEmpty || orderID.count > 64 || !orderID.unicodeScalars.allSatisfy({ idCharacters.contains($0) && $0.isASCII }) {
            problems["order_id"] = "must be 1 to 64 characters of letters, digits, '-', '_' or '.'"
        }
        if customer.id.isEmpty || customer.id.count > 64 { problems["customer.id"] = "must be 1 to 64 characters" }
        if customer.name.trimmingCharacters(in: .whitespaces).isEmpty || customer.name.count > 200 {
            problems["customer.name"] = "must be 1 to 200 characters"
        }
        if let email = customer.email, !(email.contains("@") && email.count <= 254 && !email.contains(" ")) {
            problems["customer.email"] = "is not an email address"
        }
        if items.isEmpty { problems["items"] = "must list at least one item" }
        if items.count > 200 { problems["items"] = "must list at most 200 items" }
        for (index, item) in items.enumerated() {
            let path = "items[\(index)]"
            if item.sku.isEmpty || item.sku.count > 64 { problems["\(path).sku"] = "must be 1 to 64 characters" }
            if !(1...10_000).contains(item.quantity) { problems["\(path).quantity"] = "must be 1 to 10000" }
            if item.unitPrice.value < 0 || item.unitPrice.fractionDigits > 2 || item.unitPrice.value > 1_000_000 {
                problems["\(path).unit_price"] = "must be 0 to 1000000 with at most 2 decimals"
            }
            if let weight = item.weightPounds, weight.value <= 0 || weight.value > 150 {
                problems["\(path).weight_pounds"] = "must be more than 0 and at most 150"
            }
        }
        if !Self.currencies.contains(currency) {
            problems["currency"] = "must be one of \(Self.currencies.sorted().joined(separator: ", ")) (lower case)"
        }
        for (name, amount) in [("shipping_amount", shippingAmount), ("tax_amount", taxAmount)] {
            if let amount, amount.value < 0 || amount.fractionDigits > 2 || amount.value > 1_000_000 {
                problems[name] = "must be 0 to 1000000 with at most 2 decimals"
            }
        }
        if problems.isEmpty, total <= 0 { problems["items"] = "the order total must be more than 0" }
        for (field, problem) in shippingAddress.problems() { problems["shipping_address.\(field)"] = problem }
        switch (paymentMethod, paymentIntent) {
        case (nil, nil):
            problems["payment_method"] = "one of payment_method (a saved card, pm_…) or payment_intent (authorized at checkout, pi_…) is required"
        case (.some, .some):
            problems["payment_intent"] = "give either payment_method or payment_intent, not both"
        case (let method?, nil):
            if !method.hasPrefix("pm_") || method.count > 255 { problems["payment_method"] = "must be a saved payment method id (pm_…)" }
        case (nil, let intent?):
            if !intent.hasPrefix("pi_") || intent.count > 255 || intent.contains(where: { !$0.isASCII || $0.isWhitespace || $0 == "/" }) {
                problems["payment_intent"] = "must be a PaymentIntent id (pi_…)"
            }
        }
        return problems
    }
}

/// Who ordered. `id` is the shop's customer id.
public struct OrderCustomer: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?

    public init(id: String, name: String, email: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
    }
}

/// One line of an order: a SKU, how many, the exact unit price, and optionally the unit weight
/// (1 lb when absent) for the label.
public struct OrderLineItem: Codable, Sendable, Equatable {
    public var sku: String
    public var description: String?
    public var quantity: Int
    public var unitPrice: ExactDecimal
    public var weightPounds: ExactDecimal?

    enum CodingKeys: String, CodingKey {
        case sku, description, quantity, unitPrice = "unit_price", weightPounds = "weight_pounds"
    }

    public init(sku: String, description: String? = nil, quantity: Int, unitPrice: ExactDecimal, weightPounds: ExactDecimal? = nil) {
        self.sku = sku
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.weightPounds = weightPounds
    }
}

/// Where the parcel goes, as the shop sends it.
public struct ShippingAddress: Codable, Sendable, Equatable {
    public var name: String
    public var company: String?
    public var phone: String
    public var lines: [String]
    public var city: String
    /// State or province code (`TN`).
    public var state: String
    public var postalCode: String
    /// ISO 3166-1 alpha-2; only `US` is shipped to today.
    public var country: String

    enum CodingKeys: String, CodingKey {
        case name, company, phone, lines, city, state, postalCode = "postal_code", country
    }

    public init(name: String, company: String? = nil, phone: String, lines: [String], city: String, state: String, postalCode: String, country: String = "US") {
        self.name = name
        self.company = company
        self.phone = phone
        self.lines = lines
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.country = country
    }

    /// The address as the carrier clients take it.
    public var postalAddress: PostalAddress {
        PostalAddress(name: name, company: company, phone: phone, streetLines: lines, city: city,
                      stateCode: state, postalCode: postalCode, countryCode: country)
    }

    func problems() -> [String: String] {
        var problems: [String: String] = [:]
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > 100 { problems["name"] = "must be 1 to 100 characters" }
        if phone.filter(\.isNumber).count < 7 || phone.count > 30 { problems["phone"] = "must be a phone number (at least 7 digits)" }
        if lines.isEmpty || lines.count > 3 || lines.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 100 }) {
            problems["lines"] = "must be 1 to 3 non-empty lines of at most 100 characters"
        }
        if city.trimmingCharacters(in: .whitespaces).isEmpty || city.count > 60 { problems["city"] = "must be 1 to 60 characters" }
        if state.count != 2 || !state.allSatisfy({ $0.isASCII && $0.isUppercase }) { problems["state"] = "must be a two-letter code such as TN" }
        let digits = postalCode.split(separator: "-", omittingEmptySubsequences: false).map { $0.allSatisfy(\.isNumber) ? $0.count : -1 }
        if digits != [5] && digits != [5, 4] { problems["postal_code"] = "must be a US ZIP code (12345 or 12345-6789)" }
        if country != "US" { problems["country"] = "must be US (the only destination shipped to)" }
        return problems
    }
}

/// How fast the customer paid to ship; each maps to a carrier preference list and service codes
/// (``CarrierRouting``).
public enum ServiceLevel: String, Codable, Sendable, CaseIterable {
    case ground, express, overnight
}
