import Hummingbird

/// QuickBooks Online error bodies. Service errors use
/// `{"Fault":{"Error":[{"Message","Detail","code","element"}],"type"},"time"}`; the gateway's
/// 401 (and throttling 429) use the lower-case `{"warnings","intuitObject","fault":{"error":[…],"type"}}`.
struct QuickBooksFault: Error, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var code: String
    var message: String
    var detail: String
    var element: String?

    func body(time: String) -> JSONValue {
        var error: [String: JSONValue] = ["Message": .string(message), "Detail": .string(detail), "code": .string(code)]
        if let element { error["element"] = .string(element) }
        return ["Fault": ["Error": [.object(error)], "type": .string(type)], "time": .string(time)]
    }

    static func validation(_ code: String, _ message: String, _ detail: String, element: String? = nil) -> QuickBooksFault {
        QuickBooksFault(status: .badRequest, type: "ValidationFault", code: code, message: message, detail: detail, element: element)
    }

    static func requiredParam(_ element: String) -> QuickBooksFault {
        validation("2020", "Required param missing, need to supply the required value for the API", "Required parameter \(element) is missing in the request", element: element)
    }

    static func invalidReference(_ entity: String, _ id: String, element: String) -> QuickBooksFault {
        validation("2500", "Invalid Reference Id", "Invalid Reference Id : \(entity) with Id \(id) does not exist or is inactive.", element: element)
    }

    static func objectNotFound(_ entity: String, _ id: String) -> QuickBooksFault {
        validation("610", "Object Not Found", "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (\(entity) \(id))")
    }

    /// The gateway's 401 for an expired or unknown token.
    static func authenticationFailed(expired: Bool) -> Response {
        .json(
            [
                "warnings": .null,
                "intuitObject": .null,
                "fault": [
                    "error": [
                        [
                            "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                            "detail": .string(expired ? "Token expired: the access token is older than its lifetime" : "Token invalid"),
                            "code": "3200",
                        ]
                    ],
                    "type": "AUTHENTICATION",
                ],
                "report": .null,
                "queryResponse": .null,
                "batchItemResponse": [],
                "attachableResponse": [],
                "syncErrorResponse": .null,
                "requestId": .null,
                "time": .int(0),
                "status": .null,
                "cdcresponse": [],
            ],
            status: .unauthorized,
            headers: ["WWW-Authenticate": "Bearer realm=\"Intuit\", error=\"invalid_token\""]
        )
    }

    static func throttled(clock: SandboxClock) -> Response {
        .json(
            [
                "warnings": .null,
                "intuitObject": .null,
                "fault": [
                    "error": [["message": "message=ThrottleExceeded; errorCode=003001; statusCode=429", "detail": "The request limit was reached.", "code": "3001"]],
                    "type": "SERVICE",
                ],
                "time": .string(clock.iso8601()),
            ],
            status: .tooManyRequests
        )
    }

    /// A `SystemFault`; with status 200 it reproduces QuickBooks' habit of faults inside a 200.
    static func systemFault(status: HTTPResponse.Status, clock: SandboxClock) -> Response {
        let fault = QuickBooksFault(
            status: status,
            type: "SystemFault",
            code: "10000",
            message: "An application error has occurred while processing your request",
            detail: "System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again."
        )
        return .json(fault.body(time: clock.iso8601()), status: status)
    }
}
