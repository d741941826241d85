import Hummingbird

/// The bodies each API really sends for server errors and throttling, used for injected faults so
/// clients parse them exactly as they would in production.
enum FaultResponses {
    static func error(api: SandboxAPI, status: Int, clock: SandboxClock) -> Response {
        let httpStatus = HTTPResponse.Status(code: status)
        switch api {
        case .stripe:
            return StripeError(status: httpStatus, type: "api_error", message: "An unknown error occurred").response(requestID: StripeIDs.requestID())
        case .fedex:
            let unavailable = status == 503
            return FedExError.response(
                status: httpStatus,
                code: unavailable ? "SERVICE.UNAVAILABLE.ERROR" : "INTERNAL.SERVER.ERROR",
                message: unavailable
                    ? "The service is currently unavailable and we are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time."
                    : "We encountered an unexpected error and are working to resolve the issue. We apologize for any inconvenience. Please check back at a later time."
            )
        case .ups:
            return UPSError.response(status: httpStatus, code: status == 503 ? "10503" : "10500", message: status == 503 ? "Service Unavailable" : "Internal Server Error")
        case .usps:
            return USPSError.response(status: httpStatus, code: String(status), message: status == 503 ? "Service Unavailable" : "Internal Server Error")
        case .quickbooks:
            return QuickBooksFault.systemFault(status: httpStatus, clock: clock)
        case .shop:
            return ShopReceiver.errorResponse(status: httpStatus, code: "server_error", message: "The shop is failing on purpose (sandbox fault injection).")
        case .klaviyo:
            return KlaviyoError.response(status: httpStatus, code: "error", title: "A server error occurred.",
                                         detail: "The email-marketing API is failing on purpose (sandbox fault injection).")
        }
    }

    static func rateLimited(api: SandboxAPI, retryAfterSeconds: Int, clock: SandboxClock) -> Response {
        var response: Response
        switch api {
        case .stripe:
            response = StripeError(
                status: .tooManyRequests,
                type: "invalid_request_error",
                code: "rate_limit",
                message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests."
            ).response(requestID: StripeIDs.requestID())
        case .fedex:
            response = FedExError.response(
                status: .tooManyRequests,
                code: "TOO.MANY.REQUESTS",
                message: "We have received too many requests in a short duration. Please wait a while to try again."
            )
        case .ups:
            response = UPSError.response(status: .tooManyRequests, code: "10429", message: "Rate Limit Exceeded")
        case .usps:
            response = USPSError.response(status: .tooManyRequests, code: "429", message: "Too Many Requests", detail: "Quota exceeded: too many requests for this application.")
        case .quickbooks:
            response = QuickBooksFault.throttled(clock: clock)
        case .shop:
            response = ShopReceiver.errorResponse(status: .tooManyRequests, code: "rate_limited", message: "Too many requests.")
        case .klaviyo:
            response = KlaviyoError.throttled(retryAfterSeconds: retryAfterSeconds)
        }
        if retryAfterSeconds > 0 {
            response.headers[.retryAfter] = String(retryAfterSeconds)
        }
        return response
    }
}
