import Sundial

/// How a client error counts for the API's circuit breaker. Exists because "retryable" is not
/// "down": a 429 means the API is up and busy (its rate limit handles that), and a 4xx means it
/// answered; only timeouts, refused connections and 5xx count towards opening the circuit.
public enum APIHealth {
    public static func outcome(of error: any Error) -> CallOutcome {
        let status: Int?
        switch error {
        case let error as CarrierError: status = error.status
        case let error as StripeError: status = error.status
        case let error as QuickBooksError: status = error.status
        case is PaymentDeclined: return .neutral
        default: status = nil
        }
        if let status, status == 429 || (400..<500).contains(status) && status != 408 { return .neutral }
        return CallOutcome.classify(error)
    }
}
