import Foundation
import Sundial
import Workflows

/// Turns the body of `POST /api/v1/orders` into an ``OrderInput`` or the complete list of what is
/// wrong with it: structure first (types, missing and unknown fields, numbers where a decimal
/// string belongs), then ``OrderInput/problems()`` on the parts that were well formed, so a
/// shop fixes every field in one round trip.
enum OrderInputParser {
    /// The wire shape of ``OrderInput`` (snake_case, closed objects). Kept beside the type's
    /// `CodingKeys`; the tests decode a body carrying every field to keep the two in step.
    static let shape: JSONShape = .object([
        "order_id": .required(.string),
        "customer": .required(.object([
            "id": .required(.string),
            "name": .required(.string),
            "email": .optional(.string),
        ])),
        "items": .required(.array(of: .object([
            "sku": .required(.string),
            "description": .optional(.string),
            "quantity": .required(.integer),
            "unit_price": .required(.decimalString),
            "weight_pounds": .optional(.decimalString),
        ]))),
        "currency": .required(.string),
        "shipping_address": .required(.object([
            "name": .required(.string),
            "company": .optional(.string),
            "phone": .required(.string),
            "lines": .required(.array(of: .string)),
            "city": .required(.string),
            "state": .required(.string),
            "postal_code": .required(.string),
            "country": .required(.string),
        ])),
        "service_level": .required(.oneOf(ServiceLevel.allCases.map(\.rawValue))),
        "payment_method": .optional(.string),
        "payment_intent": .optional(.string),
        "shipping_amount": .optional(.decimalString),
        "tax_amount": .optional(.decimalString),
    ])

    enum Outcome {
        case valid(OrderInput)
        /// Problems by field path; never empty.
        case invalid([String: String])
    }

    /// Parses a body already known to be UTF-8. Throws ``APIError`` (400) when it is not JSON.
    static func parse(_ body: Data) throws -> Outcome {
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        let structure = shape.check(document)
        var problems = structure.problems
        let order: OrderInput
        do {
            order = try JSONDecoder.sundial.decode(OrderInput.self, from: JSONEncoder().encode(structure.repaired))
        } catch {
            // The shape and the type disagree (a bug); still refuse rather than start.
            problems["$"] = problems["$"] ?? "does not decode as an order: \(error)"
            return .invalid(problems)
        }
        for (path, problem) in order.problems() where !Self.covered(path, by: structure.problems) {
            problems[path] = problem
        }
        return problems.isEmpty ? .valid(order) : .invalid(problems)
    }

    /// True when `path` is, or lies under, a path that already has a structural problem: the
    /// semantic check then only sees the placeholder, and its message would mislead.
    static func covered(_ path: String, by structural: [String: String]) -> Bool {
        structural.keys.contains { bad in
            bad == "$" || path == bad || path.hasPrefix(bad + ".") || path.hasPrefix(bad + "[")
        }
    }
}
