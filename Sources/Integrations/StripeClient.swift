import AsyncHTTPClient
import Foundation
import Logging
import NIOHTTP1
import Sundial

/// The ``PaymentGateway`` over Stripe's REST API: form-encoded POSTs with bracket notation,
/// `Authorization: Bearer <secret key>`, `Stripe-Version` pinned on every call
/// (``StripeCredentials/pinnedAPIVersion``), and the caller's `Idempotency-Key` on every POST so
/// a retried step replays Stripe's saved response instead of charging again. Exists so the order
/// workflow can hold, capture, release and refund card payments.
///
/// An answer is read for what the workflow needs and nothing else (``StripeWire``). When a call
/// that changes something gets no readable answer (a timeout, a reset connection, a 2xx body
/// that cannot be read) the outcome is unknown: the error is retryable and says
/// ``StripeError/mayHaveTakenEffect``, never "nothing happened".
///
/// The `HTTPClient` is injected and shared; this type never creates or shuts one down.
public struct StripeClient: PaymentGateway {
    public let configuration: ClientConfiguration<StripeCredentials>
    private let exchange: HTTPExchange
    private let logger: Logger

    public init(httpClient: HTTPClient, configuration: ClientConfiguration<StripeCredentials>, logger: Logger = Logger(label: "sundial.integrations.stripe")) {
        self.configuration = configuration
        self.exchange = HTTPExchange(client: httpClient, timeout: configuration.timeout)
        self.logger = logger
    }

    /// A merchant-initiated hold: `off_session=true` (the customer is not there, so a card that
    /// needs 3-D Secure is declined with `authentication_required` rather than left waiting for
    /// an action nobody can take) and `payment_method_types[]=card`. Listing the type matters:
    /// since API version 2023-08-16 an intent created without it has automatic payment methods,
    /// and confirming such an intent without a `return_url` is refused (400).
    public func authorize(_ request: PaymentAuthorizationRequest, idempotencyKey: String) async throws -> PaymentIntent {
        var metadata = request.metadata
        metadata["order_id"] = request.orderID
        let fields: [(String, String)] = [
            ("amount", String(request.amountMinor)),
            ("currency", request.currency.lowercased()),
            ("payment_method", request.paymentMethod),
            ("payment_method_types[]", "card"),
            ("capture_method", "manual"),
            ("confirm", "true"),
            ("off_session", "true"),
        ] + FormEncoding.nested("metadata", metadata)
        let wire: StripeWire.PaymentIntent = try await post("/v1/payment_intents", fields, idempotencyKey: idempotencyKey)
        return wire.model
    }

    public func capture(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentIntent {
        let fields = amountMinor.map { [("amount_to_capture", String($0))] } ?? []
        let wire: StripeWire.PaymentIntent = try await post("/v1/payment_intents/\(Self.escape(paymentIntentID))/capture", fields, idempotencyKey: idempotencyKey)
        return wire.model
    }

    public func cancelAuthorization(paymentIntentID: String, reason: CancellationReason?, idempotencyKey: String) async throws -> PaymentIntent {
        let fields = reason.map { [("cancellation_reason", $0.rawValue)] } ?? []
        let wire: StripeWire.PaymentIntent = try await post("/v1/payment_intents/\(Self.escape(paymentIntentID))/cancel", fields, idempotencyKey: idempotencyKey)
        return wire.model
    }

    public func refund(paymentIntentID: String, amountMinor: Int?, idempotencyKey: String) async throws -> PaymentRefund {
        var fields = [("payment_intent", paymentIntentID)]
        if let amountMinor { fields.append(("amount", String(amountMinor))) }
        let wire: StripeWire.Refund = try await post("/v1/refunds", fields, idempotencyKey: idempotencyKey)
        return wire.model
    }

    public func retrieve(paymentIntentID: String) async throws -> PaymentIntent {
        let path = "/v1/payment_intents/\(Self.escape(paymentIntentID))"
        let response = try await send(.GET, path, headers: [], body: nil)
        let wire: StripeWire.PaymentIntent = try decode(response, operation: "GET \(path)", effectful: false)
        return wire.model
    }

    /// Stripe's search, `metadata['order_id']:'<id>'`. Search is eventually consistent (Stripe
    /// documents a delay of up to a minute, longer during outages): a compensation that finds
    /// nothing right after a lost answer is retried, and the order's authorization expires on
    /// its own after 7 days at the latest.
    public func payments(forOrder orderID: String) async throws -> [PaymentIntent] {
        let quoted = orderID.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        let query = FormEncoding.encode([("query", "metadata['order_id']:'\(quoted)'"), ("limit", "100")])
        let path = "/v1/payment_intents/search"
        let response = try await send(.GET, path + "?" + query, headers: [], body: nil)
        let list: StripeWire.PaymentIntentList = try decode(response, operation: "GET \(path)", effectful: false)
        return list.data.map(\.model)
    }

    // MARK: Wire

    private func post<Value: Decodable>(_ path: String, _ fields: [(String, String)], idempotencyKey: String) async throws -> Value {
        let body = Array(FormEncoding.encode(fields).utf8)
        let headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Idempotency-Key", idempotencyKey)]
        let response = try await send(.POST, path, headers: headers, body: body)
        return try decode(response, operation: "POST \(path)", effectful: true)
    }

    private func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)], body: [UInt8]?) async throws -> HTTPExchange.Response {
        var allHeaders = headers
        allHeaders.append(("Authorization", "Bearer \(configuration.credentials.secretKey.value)"))
        allHeaders.append(("Accept", "application/json"))
        allHeaders.append(("Stripe-Version", configuration.credentials.apiVersion))
        let operation = "\(method.rawValue) \(path.prefix { $0 != "?" })"
        let response: HTTPExchange.Response
        do {
            response = try await exchange.send(method: method, url: configuration.baseURL + path, headers: allHeaders, body: body)
        } catch {
            logger.warning("stripe call failed without a response", metadata: ["operation": "\(operation)", "error": "\(error.message)"])
            throw StripeError(operation: operation, status: nil, type: nil, code: nil, message: redact(error.description), requestID: nil,
                              retryDisposition: .retryable(after: nil), mayHaveTakenEffect: method == .POST)
        }
        logger.debug("stripe call", metadata: ["operation": "\(operation)", "status": "\(response.status)", "request_id": "\(response.header("Request-Id") ?? "")"])
        return response
    }

    /// Reads a 2xx answer. One that cannot be read after a call that changes something
    /// (`effectful`) is an unknown outcome: Stripe did the work and saved its answer under the
    /// idempotency key, so the call is retried under the same key (and a workflow that gives up
    /// finds the effect another way), never treated as failed for good.
    private func decode<Value: Decodable>(_ response: HTTPExchange.Response, operation: String, effectful: Bool) throws -> Value {
        let requestID = response.header("Request-Id")
        guard (200..<300).contains(response.status) else { throw error(from: response, operation: operation) }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(response.body))
        } catch {
            logger.warning("stripe answered 2xx with a body this client cannot read", metadata: [
                "operation": "\(operation)", "status": "\(response.status)", "request_id": "\(requestID ?? "")", "error": "\(error)",
            ])
            throw StripeError(
                operation: operation, status: response.status, type: nil, code: nil,
                message: "unreadable \(response.status) answer (\(error)); the outcome is unknown", requestID: requestID,
                retryDisposition: .retryable(after: nil), mayHaveTakenEffect: effectful
            )
        }
    }

    /// Maps an HTTP error answer: a decline (a `card_error`, or any 402 whose `code` or
    /// `decline_code` names a decline, whatever its `type`) is a ``PaymentDeclined``; anything
    /// else a ``StripeError`` classified by ``StripeError/disposition(status:shouldRetryHeader:retryAfter:)``.
    private func error(from response: HTTPExchange.Response, operation: String) -> any Error {
        let body = try? JSONDecoder().decode(StripeWire.ErrorEnvelope.self, from: Data(response.body))
        let detail = body?.error
        if PaymentDeclined.isDecline(status: response.status, type: detail?.type, code: detail?.code, declineCode: detail?.declineCode) {
            return PaymentDeclined(
                code: detail?.code,
                declineCode: detail?.declineCode,
                message: redact(detail?.message ?? "card declined"),
                paymentIntentID: detail?.paymentIntent?.id
            )
        }
        let disposition = StripeError.disposition(
            status: response.status,
            shouldRetryHeader: response.header("Stripe-Should-Retry"),
            retryAfter: RetryAfter.parse(response.header("Retry-After"))
        )
        return StripeError(
            operation: operation,
            status: response.status,
            type: detail?.type,
            code: detail?.code,
            message: redact(detail?.message ?? String(response.text.prefix(200))),
            requestID: response.header("Request-Id"),
            retryDisposition: disposition
        )
    }

    private func redact(_ text: String) -> String {
        text.redacting([configuration.credentials.secretKey])
    }

    private static func escape(_ id: String) -> String {
        FormEncoding.escape(id)
    }
}
