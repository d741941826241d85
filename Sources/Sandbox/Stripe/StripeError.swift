import Hummingbird

/// A Stripe API error: `{"error":{"type","code","decline_code","message","param","doc_url",…}}`
/// with the HTTP status Stripe uses for it.
struct StripeError: Error, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var code: String?
    var declineCode: String?
    var message: String
    var param: String?
    var paymentIntent: JSONValue?
    var charge: String?
    var paymentMethod: String?
    /// Parameter validation failures are not saved under an idempotency key (Stripe saves a
    /// response only once endpoint execution has begun).
    var isValidationFailure = false

    init(
        status: HTTPResponse.Status,
        type: String,
        code: String? = nil,
        declineCode: String? = nil,
        message: String,
        param: String? = nil,
        paymentIntent: JSONValue? = nil,
        charge: String? = nil,
        paymentMethod: String? = nil,
        isValidationFailure: Bool = false
    ) {
        self.status = status
        self.type = type
        self.code = code
        self.declineCode = declineCode
        self.message = message
        self.param = param
        self.paymentIntent = paymentIntent
        self.charge = charge
        self.paymentMethod = paymentMethod
        self.isValidationFailure = isValidationFailure
    }

    /// The inner object, also used as a PaymentIntent's `last_payment_error`.
    var errorObject: JSONValue {
        var fields: [String: JSONValue] = ["type": .string(type), "message": .string(message)]
        if let code {
            fields["code"] = .string(code)
            fields["doc_url"] = .string("https://stripe.com/docs/error-codes/" + code.replacingOccurrences(of: "_", with: "-"))
        }
        if let declineCode { fields["decline_code"] = .string(declineCode) }
        if let param { fields["param"] = .string(param) }
        if let charge { fields["charge"] = .string(charge) }
        if let paymentMethod {
            fields["payment_method"] = [
                "id": .string(paymentMethod), "object": "payment_method", "type": "card", "created": .int(0), "livemode": false,
                "billing_details": ["address": .null, "email": .null, "name": .null, "phone": .null],
            ]
        }
        if let paymentIntent { fields["payment_intent"] = paymentIntent }
        return .object(fields)
    }

    var body: JSONValue { ["error": errorObject] }

    func response(requestID: String) -> Response {
        var headers = ["Request-Id": requestID]
        if status == .unauthorized { headers["WWW-Authenticate"] = "Basic realm=\"Stripe\"" }
        return .json(body, status: status, headers: headers)
    }

    // MARK: Common errors

    static func missingParam(_ name: String) -> StripeError {
        StripeError(status: .badRequest, type: "invalid_request_error", code: "parameter_missing", message: "Missing required param: \(name).", param: name, isValidationFailure: true)
    }

    static func unknownParam(_ name: String) -> StripeError {
        StripeError(status: .badRequest, type: "invalid_request_error", code: "parameter_unknown", message: "Received unknown parameter: \(name)", param: name, isValidationFailure: true)
    }

    static func invalid(_ param: String, _ message: String, code: String? = nil) -> StripeError {
        StripeError(status: .badRequest, type: "invalid_request_error", code: code, message: message, param: param, isValidationFailure: true)
    }

    static func noSuch(_ object: String, _ id: String, param: String) -> StripeError {
        StripeError(status: .notFound, type: "invalid_request_error", code: "resource_missing", message: "No such \(object): '\(id)'", param: param)
    }

    /// Stripe's answer, since API version 2023-08-16, to confirming a PaymentIntent whose
    /// automatic payment methods may redirect the customer, without a `return_url`.
    static let returnURLRequired = StripeError(
        status: .badRequest, type: "invalid_request_error",
        message: "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
        param: "return_url", isValidationFailure: true)

    static func unexpectedState(_ message: String, intent: JSONValue) -> StripeError {
        StripeError(status: .badRequest, type: "invalid_request_error", code: "payment_intent_unexpected_state", message: message, paymentIntent: intent)
    }
}
