import Foundation

/// Order bodies as the shop sends them.
enum Orders {
    static func body(id: String = "SO-1001", quantity: String = "2", unitPrice: String = "\"19.99\"", extra: String = "") -> String {
        """
        {"order_id": "\(id)",
         "customer": {"id": "c-42", "name": "Ada Lovelace", "email": "ada@example.com"},
         "items": [{"sku": "SUN-POLAR-01", "description": "Polarized sunglasses", "quantity": \(quantity),
                    "unit_price": \(unitPrice), "weight_pounds": "0.4"}],
         "currency": "usd",
         "shipping_address": {"name": "Ada Lovelace", "company": "Analytical Engines", "phone": "+1 615 555 0100",
                              "lines": ["1 Music Row", "Suite 2"], "city": "Nashville", "state": "TN",
                              "postal_code": "37203", "country": "US"},
         "service_level": "ground",
         "payment_method": "pm_card_visa",
         "shipping_amount": "5.00",
         "tax_amount": "3.10"\(extra)}
        """
    }
}
