import Hummingbird

/// FedEx's error body: `{"transactionId","customerTransactionId"?,"errors":[{"code","message"}]}`.
enum FedExError {
    static func response(
        status: HTTPResponse.Status,
        code: String,
        message: String,
        customerTransactionID: String? = nil,
        more: [(code: String, message: String)] = []
    ) -> Response {
        var body: [String: JSONValue] = [
            "transactionId": .string(RandomIDs.uuid()),
            "errors": .array(([(code, message)] + more).map { ["code": .string($0.0), "message": .string($0.1)] }),
        ]
        if let customerTransactionID { body["customerTransactionId"] = .string(customerTransactionID) }
        return .json(.object(body), status: status)
    }

    static func notAuthorized(expired: Bool) -> Response {
        response(
            status: .unauthorized,
            code: "NOT.AUTHORIZED.ERROR",
            message: expired
                ? "Access token expired. Please modify your request and try again."
                : "The given JWT is invalid. Please modify your request and try again."
        )
    }

    static func invalidInput(_ fields: [String], customerTransactionID: String?) -> Response {
        let errors = fields.map { (code: "INVALID.INPUT.EXCEPTION", message: "Invalid field value in the input: \($0)") }
        return response(
            status: .badRequest,
            code: errors[0].code,
            message: errors[0].message,
            customerTransactionID: customerTransactionID,
            more: Array(errors.dropFirst())
        )
    }
}
