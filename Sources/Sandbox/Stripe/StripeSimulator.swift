import Foundation
import Hummingbird
import Synchronization

/// The state and rules of the simulated Stripe account: PaymentIntents with their state machine,
/// refunds, the event log and the idempotency-key cache. HTTP parsing lives in
/// `StripeSimulator+Routes.swift`; this type only sees form fields and returns JSON or `StripeError`.
/// Events of the delivered types also go to the webhook endpoint (``StripeWebhookSender``), and
/// the asynchronous test card finishes in `StripeSimulator+AsyncPayments.swift`.
final class StripeSimulator: Sendable {
    /// Facts about the request an operation runs for, stamped onto events and ledger records.
    struct RequestInfo: Sendable {
        /// `nil` for what happens by itself (an asynchronous payment finishing).
        var requestID: String?
        var idempotencyKey: String?
        var apiVersion: String?
    }

    /// A response saved under an idempotency key.
    struct SavedResponse: Sendable {
        var status: HTTPResponse.Status
        var body: JSONValue
        var requestID: String
    }

    enum Claim: Sendable {
        case proceed
        case replay(SavedResponse)
        case reject(StripeError)
    }

    struct IdempotencyEntry {
        var endpoint: String
        var fingerprint: String
        var createdAt: Date
        var saved: SavedResponse?
    }

    struct State {
        var intents: [String: StripePaymentIntent] = [:]
        var chargeToIntent: [String: String] = [:]
        var refunds: [String: StripeRefund] = [:]
        var events: [JSONValue] = []
        var idempotency: [String: IdempotencyEntry] = [:]
    }

    let state = Mutex(State())
    let ledger: EffectLedger
    let clock: SandboxClock
    private let keyLifetime: TimeInterval
    /// See ``SandboxConfiguration/Stripe/unsafeIgnoreIdempotencyKeys``.
    let ignoresIdempotencyKeys: Bool
    /// Delivers events to the configured webhook endpoint.
    let webhooks: StripeWebhookSender
    /// How long `pm_card_processing` payments stay `processing`.
    let asyncPaymentDelay: Duration
    /// Payments waiting to leave `processing`, in the order they entered it.
    let processing: AsyncStream<ProcessingPayment>
    let processingQueue: AsyncStream<ProcessingPayment>.Continuation

    init(ledger: EffectLedger, clock: SandboxClock, configuration: SandboxConfiguration.Stripe) {
        self.ledger = ledger
        self.clock = clock
        self.keyLifetime = configuration.idempotencyKeyLifetime
        self.ignoresIdempotencyKeys = configuration.unsafeIgnoreIdempotencyKeys
        self.asyncPaymentDelay = configuration.asyncPaymentDelay
        self.webhooks = StripeWebhookSender(url: configuration.webhookURL, secret: configuration.webhookSecret, clock: clock)
        (processing, processingQueue) = AsyncStream.makeStream(of: ProcessingPayment.self)
    }

    func reset() {
        state.withLock { $0 = State() }
        webhooks.reset()
    }

    // MARK: Idempotency

    /// Claims `key` for a request to `endpoint` with parameters `fingerprint`: a first use proceeds
    /// (the key is "in flight" until `finish`), a completed key replays its saved response, a key
    /// in flight gives 409, and a key used with another endpoint or other parameters gives 400.
    func claim(key: String, account: String, endpoint: String, fingerprint: String) -> Claim {
        let now = clock.now
        let scoped = account + "\u{0}" + key
        return state.withLock { state in
            if let entry = state.idempotency[scoped], now.timeIntervalSince(entry.createdAt) < keyLifetime {
                if entry.endpoint != endpoint {
                    return .reject(
                        StripeError(
                            status: .badRequest,
                            type: "idempotency_error",
                            message: "Keys for idempotent requests can only be used for the same endpoint they were first used for ('\(entry.endpoint)' vs '\(endpoint)'). Try using a key other than '\(key)' if you meant to execute a different request."
                        )
                    )
                }
                if entry.fingerprint != fingerprint {
                    return .reject(
                        StripeError(
                            status: .badRequest,
                            type: "idempotency_error",
                            message: "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '\(key)' if you meant to execute a different request."
                        )
                    )
                }
                guard let saved = entry.saved else {
                    return .reject(
                        StripeError(
                            status: .conflict,
                            type: "invalid_request_error",
                            code: "idempotency_key_in_use",
                            message: "There is currently another in-progress request using this Stripe token (probably the same idempotency key). Try again once the other request has finished."
                        )
                    )
                }
                return .replay(saved)
            }
            state.idempotency[scoped] = IdempotencyEntry(endpoint: endpoint, fingerprint: fingerprint, createdAt: now, saved: nil)
            return .proceed
        }
    }

    /// Saves the response of a claimed key, or forgets the key when nothing should be saved.
    func finish(key: String, account: String, saving response: SavedResponse?) {
        let scoped = account + "\u{0}" + key
        state.withLock { state in
            if let response {
                state.idempotency[scoped]?.saved = response
            } else {
                state.idempotency[scoped] = nil
            }
        }
    }

    // MARK: PaymentIntents

    static let createParameters: Set<String> = [
        "amount", "currency", "payment_method", "capture_method", "confirm", "metadata", "description", "customer",
        "receipt_email", "payment_method_types", "automatic_payment_methods", "statement_descriptor",
        "statement_descriptor_suffix", "setup_future_usage", "off_session", "return_url", "expand",
        "confirmation_method", "payment_method_options", "shipping", "error_on_requires_action", "use_stripe_sdk",
        "mandate_data",
    ]
    static let confirmParameters: Set<String> = [
        "payment_method", "return_url", "expand", "off_session", "setup_future_usage", "receipt_email",
        "payment_method_options", "capture_method", "error_on_requires_action", "use_stripe_sdk", "mandate_data", "shipping",
    ]
    static let captureParameters: Set<String> = [
        "amount_to_capture", "expand", "metadata", "statement_descriptor", "statement_descriptor_suffix", "final_capture",
    ]
    static let cancelParameters: Set<String> = ["cancellation_reason", "expand"]
    static let refundParameters: Set<String> = ["payment_intent", "charge", "amount", "reason", "metadata", "expand", "instructions_email"]

    func createPaymentIntent(_ params: FormFields, _ request: RequestInfo) throws -> JSONValue {
        try Self.checkKnown(params, Self.createParameters)
        guard let amountText = params["amount"] else { throw StripeError.missingParam("amount") }
        let amount = try Self.integer(amountText, param: "amount")
        guard let currencyText = params["currency"] else { throw StripeError.missingParam("currency") }
        let currency = currencyText.lowercased()
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw StripeError.invalid("currency", "Invalid currency: \(currencyText). Stripe currently supports these currencies: usd, eur, gbp, cad, …")
        }
        guard amount >= 1 else { throw StripeError.invalid("amount", "This value must be greater than or equal to 1.") }
        if currency == "usd", amount < 50 {
            throw StripeError.invalid("amount", "Amount must be at least $0.50 usd", code: "amount_too_small")
        }
        let captureMethod = params["capture_method"] ?? "automatic"
        guard ["automatic", "automatic_async", "manual"].contains(captureMethod) else {
            throw StripeError.invalid("capture_method", "Invalid capture_method: must be one of automatic, automatic_async, or manual")
        }
        let confirm = try Self.boolean(params["confirm"], param: "confirm") ?? false
        let paymentMethod = params["payment_method"]
        if let paymentMethod { try Self.checkPaymentMethod(paymentMethod) }
        if confirm, paymentMethod == nil { throw StripeError.missingParam("payment_method") }
        let offSession = try Self.offSession(params["off_session"], confirm: confirm)
        let automatic = try Self.automaticPaymentMethods(params, apiVersion: request.apiVersion)
        if confirm, automatic?.allowRedirects == "always", params["return_url"] == nil { throw StripeError.returnURLRequired }

        let id = StripeIDs.make("pi")
        var intent = StripePaymentIntent(
            id: id,
            amount: amount,
            currency: currency,
            captureMethod: captureMethod,
            created: clock.unixSeconds,
            clientSecret: "\(id)_secret_\(RandomIDs.alphanumeric(24))",
            status: paymentMethod == nil ? .requiresPaymentMethod : .requiresConfirmation,
            paymentMethod: paymentMethod,
            metadata: Self.merged([:], params.hash("metadata")),
            description: params["description"]
        )
        intent.automaticPaymentMethods = automatic
        intent.returnURL = params["return_url"]
        return try state.withLock { state in
            appendEvent(&state, "payment_intent.created", intent.json, request)
            var failure: StripeError?
            if confirm { failure = confirmLocked(&intent, &state, request, offSession: offSession) }
            state.intents[id] = intent
            if let failure { throw failure }
            return intent.json
        }
    }

    func retrievePaymentIntent(_ id: String) throws -> JSONValue {
        try state.withLock { state in
            guard let intent = state.intents[id] else { throw StripeError.noSuch("payment_intent", id, param: "intent") }
            return intent.json
        }
    }

    /// `GET /v1/payment_intents/search`: the sandbox understands one clause of Stripe's search
    /// language, `metadata['key']:'value'` (either quote), which is how an order finds the
    /// authorizations made for it when it never read the answer. Newest first, one page.
    func searchPaymentIntents(_ params: FormFields) throws -> JSONValue {
        guard let query = params["query"] else { throw StripeError.missingParam("query") }
        let limit = try params["limit"].map { try Self.integer($0, param: "limit") } ?? 10
        guard (1...100).contains(limit) else { throw StripeError.invalid("limit", "This value must be less than or equal to 100 (it currently is '\(limit)').") }
        let pattern = #"^\s*metadata\[(['"])(.+?)\1\]\s*:\s*(['"])(.*)\3\s*$"#
        guard let match = query.firstMatch(of: try Regex(pattern)),
              let key = match.output[2].substring, let value = match.output[4].substring else {
            throw StripeError.invalid("query", "The sandbox searches only metadata['key']:'value' (got \(query)).")
        }
        let matching = state.withLock { state in
            state.intents.values.filter { $0.metadata[String(key)] == String(value) }.sorted { $0.created > $1.created }
        }
        return [
            "object": "search_result",
            "data": .array(matching.prefix(limit).map(\.json)),
            "has_more": .bool(matching.count > limit),
            "next_page": .null,
            "url": "/v1/payment_intents/search",
        ]
    }

    func confirmPaymentIntent(_ id: String, _ params: FormFields, _ request: RequestInfo) throws -> JSONValue {
        try Self.checkKnown(params, Self.confirmParameters)
        if let paymentMethod = params["payment_method"] { try Self.checkPaymentMethod(paymentMethod) }
        let offSession = try Self.offSession(params["off_session"], confirm: true)
        return try state.withLock { state in
            guard var intent = state.intents[id] else { throw StripeError.noSuch("payment_intent", id, param: "intent") }
            let confirmable: [StripePaymentIntent.Status] = [.requiresPaymentMethod, .requiresConfirmation, .requiresAction]
            guard confirmable.contains(intent.status) else {
                throw StripeError.unexpectedState(
                    "You cannot confirm this PaymentIntent because it has a status of \(intent.status.rawValue). Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.",
                    intent: intent.json
                )
            }
            if let paymentMethod = params["payment_method"] { intent.paymentMethod = paymentMethod }
            guard intent.paymentMethod != nil else {
                throw StripeError.unexpectedState(
                    "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with \(id), specify a payment method attached to this customer along with the customer ID.",
                    intent: intent.json
                )
            }
            if let returnURL = params["return_url"] { intent.returnURL = returnURL }
            if intent.automaticPaymentMethods?.allowRedirects == "always", intent.returnURL == nil { throw StripeError.returnURLRequired }
            let failure = confirmLocked(&intent, &state, request, offSession: offSession)
            state.intents[id] = intent
            if let failure { throw failure }
            return intent.json
        }
    }

    func capturePaymentIntent(_ id: String, _ params: FormFields, _ request: RequestInfo) throws -> JSONValue {
        try Self.checkKnown(params, Self.captureParameters)
        let requested = try params["amount_to_capture"].map { try Self.integer($0, param: "amount_to_capture") }
        return try state.withLock { state in
            guard var intent = state.intents[id] else { throw StripeError.noSuch("payment_intent", id, param: "intent") }
            guard intent.status == .requiresCapture else {
                throw StripeError.unexpectedState(
                    "This PaymentIntent could not be captured because it has a status of \(intent.status.rawValue). Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                    intent: intent.json
                )
            }
            let amount = requested ?? intent.amountCapturable
            guard amount >= 1, amount <= intent.amountCapturable else {
                throw StripeError(
                    status: .badRequest,
                    type: "invalid_request_error",
                    code: "amount_too_large",
                    message: "The amount_to_capture (\(amount)) must be a positive amount less than or equal to the amount_capturable (\(intent.amountCapturable)).",
                    param: "amount_to_capture",
                    paymentIntent: intent.json
                )
            }
            intent.metadata = Self.merged(intent.metadata, params.hash("metadata"))
            intent.amountReceived = amount
            intent.amountCapturable = 0
            intent.status = .succeeded
            state.intents[id] = intent
            appendEvent(&state, "payment_intent.succeeded", intent.json, request)
            ledger.record(
                .stripe, .paymentCaptured, resource: id, idempotencyKey: request.idempotencyKey,
                reference: intent.orderReference, amountMinor: amount, currency: intent.currency
            )
            return intent.json
        }
    }

    func cancelPaymentIntent(_ id: String, _ params: FormFields, _ request: RequestInfo) throws -> JSONValue {
        try Self.checkKnown(params, Self.cancelParameters)
        let reason = params["cancellation_reason"]
        if let reason, !["duplicate", "fraudulent", "requested_by_customer", "abandoned"].contains(reason) {
            throw StripeError.invalid("cancellation_reason", "Invalid cancellation_reason: must be one of duplicate, fraudulent, requested_by_customer, or abandoned")
        }
        return try state.withLock { state in
            guard var intent = state.intents[id] else { throw StripeError.noSuch("payment_intent", id, param: "intent") }
            let cancelable: [StripePaymentIntent.Status] = [.requiresPaymentMethod, .requiresCapture, .requiresConfirmation, .requiresAction, .processing]
            guard cancelable.contains(intent.status) else {
                throw StripeError.unexpectedState(
                    "You cannot cancel this PaymentIntent because it has a status of \(intent.status.rawValue). Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.",
                    intent: intent.json
                )
            }
            let released = intent.amountCapturable
            intent.status = .canceled
            intent.amountCapturable = 0
            intent.canceledAt = clock.unixSeconds
            intent.cancellationReason = reason
            intent.nextAction = nil
            state.intents[id] = intent
            appendEvent(&state, "payment_intent.canceled", intent.json, request)
            ledger.record(
                .stripe, .paymentCanceled, resource: id, idempotencyKey: request.idempotencyKey,
                reference: intent.orderReference, amountMinor: released, currency: intent.currency, detail: reason
            )
            return intent.json
        }
    }

    // MARK: Refunds

    func createRefund(_ params: FormFields, _ request: RequestInfo) throws -> JSONValue {
        try Self.checkKnown(params, Self.refundParameters)
        let requested = try params["amount"].map { try Self.integer($0, param: "amount") }
        if let requested, requested < 1 { throw StripeError.invalid("amount", "This value must be greater than or equal to 1.") }
        let reason = params["reason"]
        if let reason, !["duplicate", "fraudulent", "requested_by_customer"].contains(reason) {
            throw StripeError.invalid("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
        }
        guard params["payment_intent"] != nil || params["charge"] != nil else {
            throw StripeError.invalid("payment_intent", "One of the following params should be provided for this request: payment_intent or charge.", code: "parameter_missing")
        }
        return try state.withLock { state in
            let intentID: String
            if let id = params["payment_intent"] {
                guard state.intents[id] != nil else { throw StripeError.noSuch("payment_intent", id, param: "payment_intent") }
                intentID = id
            } else {
                let chargeID = params["charge"]!
                guard let id = state.chargeToIntent[chargeID] else { throw StripeError.noSuch("charge", chargeID, param: "charge") }
                intentID = id
            }
            var intent = state.intents[intentID]!
            guard intent.status == .succeeded, let charge = intent.latestCharge else {
                throw StripeError(
                    status: .badRequest,
                    type: "invalid_request_error",
                    message: "This PaymentIntent does not have a successful charge to refund.",
                    param: "payment_intent"
                )
            }
            let remaining = intent.amountReceived - intent.amountRefunded
            guard remaining > 0 else {
                throw StripeError(status: .badRequest, type: "invalid_request_error", code: "charge_already_refunded", message: "Charge \(charge) has already been refunded.")
            }
            let amount = requested ?? remaining
            guard amount <= remaining else {
                throw StripeError(
                    status: .badRequest,
                    type: "invalid_request_error",
                    code: "amount_too_large",
                    message: "Refund amount (\(Self.formatMinor(amount, intent.currency))) is greater than unrefunded amount on charge (\(Self.formatMinor(remaining, intent.currency)))",
                    param: "amount"
                )
            }
            intent.amountRefunded += amount
            state.intents[intentID] = intent
            let refund = StripeRefund(
                id: StripeIDs.make("re"),
                amount: amount,
                currency: intent.currency,
                charge: charge,
                paymentIntent: intentID,
                reason: reason,
                created: clock.unixSeconds,
                metadata: params.hash("metadata")
            )
            state.refunds[refund.id] = refund
            appendEvent(&state, "charge.refunded", intent.chargeJSON, request)
            ledger.record(
                .stripe, .refundCreated, resource: intentID, idempotencyKey: request.idempotencyKey,
                reference: intent.orderReference, amountMinor: amount, currency: intent.currency, detail: reason
            )
            return refund.json
        }
    }

    func retrieveRefund(_ id: String) throws -> JSONValue {
        try state.withLock { state in
            guard let refund = state.refunds[id] else { throw StripeError.noSuch("refund", id, param: "id") }
            return refund.json
        }
    }

    // MARK: Events

    /// `GET /v1/events`: newest first, optionally of one `type`, at most `limit` (1...100, default 10).
    func listEvents(_ params: FormFields) throws -> JSONValue {
        let limit = try params["limit"].map { try Self.integer($0, param: "limit") } ?? 10
        guard (1...100).contains(limit) else { throw StripeError.invalid("limit", "This value must be less than or equal to 100 (it currently is '\(limit)').") }
        let type = params["type"]
        let matching = state.withLock { state in
            state.events.reversed().filter { type == nil || $0["type"]?.stringValue == type }
        }
        return [
            "object": "list",
            "data": .array(Array(matching.prefix(limit))),
            "has_more": .bool(matching.count > limit),
            "url": "/v1/events",
        ]
    }

    func retrieveEvent(_ id: String) throws -> JSONValue {
        try state.withLock { state in
            guard let event = state.events.first(where: { $0["id"]?.stringValue == id }) else { throw StripeError.noSuch("event", id, param: "id") }
            return event
        }
    }

    /// Every event so far, oldest first (for tests that deliver signed webhooks themselves).
    func events() -> [JSONValue] {
        state.withLock { $0.events }
    }

    // MARK: Internals

    private enum TestCard {
        case succeeds
        /// Stays `processing` for `asyncPaymentDelay`, then succeeds.
        case processing
        case needsAuthentication
        case declines(code: String, declineCode: String, message: String)
    }

    private static let testCards: [String: TestCard] = [
        "pm_card_visa": .succeeds,
        "pm_card_visa_debit": .succeeds,
        "pm_card_mastercard": .succeeds,
        "pm_card_amex": .succeeds,
        "pm_card_discover": .succeeds,
        "pm_card_us": .succeeds,
        "pm_card_processing": .processing,
        "pm_card_authenticationRequired": .needsAuthentication,
        "pm_card_threeDSecure2Required": .needsAuthentication,
        "pm_card_chargeDeclined": .declines(code: "card_declined", declineCode: "generic_decline", message: "Your card was declined."),
        "pm_card_chargeDeclinedInsufficientFunds": .declines(code: "card_declined", declineCode: "insufficient_funds", message: "Your card has insufficient funds."),
        "pm_card_chargeDeclinedFraudulent": .declines(code: "card_declined", declineCode: "fraudulent", message: "Your card was declined."),
        "pm_card_chargeDeclinedLostCard": .declines(code: "card_declined", declineCode: "lost_card", message: "Your card was declined."),
        "pm_card_chargeDeclinedExpiredCard": .declines(code: "expired_card", declineCode: "expired_card", message: "Your card has expired."),
    ]

    private static func checkPaymentMethod(_ id: String) throws {
        guard testCards[id] != nil else {
            throw StripeError(status: .badRequest, type: "invalid_request_error", code: "resource_missing", message: "No such PaymentMethod: '\(id)'", param: "payment_method", isValidationFailure: true)
        }
    }

    /// Runs a confirmation attempt on `intent`; returns the 402 error when the card is declined
    /// (the intent is updated either way).
    /// `offSession`: the customer is not there to authenticate, so a card that needs it is
    /// declined (`authentication_required`) instead of asking for action.
    private func confirmLocked(_ intent: inout StripePaymentIntent, _ state: inout State, _ request: RequestInfo, offSession: Bool = false) -> StripeError? {
        let paymentMethod = intent.paymentMethod ?? ""
        var card: TestCard = intent.status == .requiresAction ? .succeeds : (Self.testCards[paymentMethod] ?? .succeeds)
        if offSession, case .needsAuthentication = card {
            card = .declines(code: "authentication_required", declineCode: "authentication_required",
                             message: "Your card was declined. This transaction requires authentication.")
        }
        switch card {
        case .succeeds:
            authorizeLocked(&intent, &state, idempotencyKey: request.idempotencyKey, event: request)
            return nil
        case .processing:
            intent.status = .processing
            intent.lastPaymentError = nil
            intent.nextAction = nil
            appendEvent(&state, "payment_intent.processing", intent.json, request)
            processingQueue.yield(
                ProcessingPayment(
                    intentID: intent.id, idempotencyKey: request.idempotencyKey, apiVersion: request.apiVersion,
                    due: ContinuousClock.now.advanced(by: asyncPaymentDelay)
                )
            )
            return nil
        case .needsAuthentication:
            intent.status = .requiresAction
            intent.nextAction = ["type": "use_stripe_sdk", "use_stripe_sdk": ["type": "three_d_secure_redirect", "stripe_js": "https://hooks.stripe.com/3d_secure_2/hosted"]]
            appendEvent(&state, "payment_intent.requires_action", intent.json, request)
            return nil
        case .declines(let code, let declineCode, let message):
            let charge = StripeIDs.make("ch")
            state.chargeToIntent[charge] = intent.id
            var error = StripeError(
                status: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required"),
                type: "card_error",
                code: code,
                declineCode: declineCode,
                message: message,
                charge: charge,
                paymentMethod: paymentMethod
            )
            intent.lastPaymentError = error.errorObject
            intent.latestCharge = charge
            intent.paymentMethod = nil
            intent.status = .requiresPaymentMethod
            appendEvent(&state, "payment_intent.payment_failed", intent.json, request)
            ledger.record(
                .stripe, .paymentDeclined, resource: intent.id, idempotencyKey: request.idempotencyKey,
                reference: intent.orderReference, amountMinor: intent.amount, currency: intent.currency, detail: declineCode
            )
            error.paymentIntent = intent.json
            return error
        }
    }

    /// The card went through: a charge exists, and the intent waits for capture (manual capture)
    /// or is paid. The ledger records the effect under `idempotencyKey` (the confirming request's);
    /// the events carry `event` as their request.
    func authorizeLocked(_ intent: inout StripePaymentIntent, _ state: inout State, idempotencyKey: String?, event: RequestInfo) {
        let charge = StripeIDs.make("ch")
        state.chargeToIntent[charge] = intent.id
        intent.latestCharge = charge
        intent.lastPaymentError = nil
        intent.nextAction = nil
        ledger.record(
            .stripe, .paymentAuthorized, resource: intent.id, idempotencyKey: idempotencyKey,
            reference: intent.orderReference, amountMinor: intent.amount, currency: intent.currency
        )
        if intent.captureMethod == "manual" {
            intent.status = .requiresCapture
            intent.amountCapturable = intent.amount
            appendEvent(&state, "payment_intent.amount_capturable_updated", intent.json, event)
        } else {
            intent.status = .succeeded
            intent.amountReceived = intent.amount
            appendEvent(&state, "payment_intent.succeeded", intent.json, event)
            ledger.record(
                .stripe, .paymentCaptured, resource: intent.id, idempotencyKey: idempotencyKey,
                reference: intent.orderReference, amountMinor: intent.amount, currency: intent.currency
            )
        }
    }

    /// Logs an Event (`request.id` is `null` for events nothing asked for) and hands it to the
    /// webhook sender, which delivers it when its type is subscribed (`pending_webhooks: 1`).
    func appendEvent(_ state: inout State, _ type: String, _ object: JSONValue, _ request: RequestInfo) {
        let event: JSONValue = [
            "id": .string(StripeIDs.make("evt")),
            "object": "event",
            "api_version": .string(request.apiVersion ?? StripeIDs.defaultAPIVersion),
            "created": .int(clock.unixSeconds),
            "data": ["object": object],
            "livemode": false,
            "pending_webhooks": .int(webhooks.delivers(type) ? 1 : 0),
            "request": ["id": .string(request.requestID), "idempotency_key": .string(request.idempotencyKey)],
            "type": .string(type),
        ]
        state.events.append(event)
        if state.events.count > 10_000 { state.events.removeFirst(state.events.count - 10_000) }
        webhooks.send(event)
    }

    /// `off_session`: `true`/`false`, or `one_off`/`recurring` (both mean true); only with confirm.
    private static func offSession(_ text: String?, confirm: Bool) throws -> Bool {
        guard let text else { return false }
        let value: Bool
        switch text {
        case "true", "one_off", "recurring": value = true
        case "false": value = false
        default: throw StripeError.invalid("off_session", "Invalid off_session: must be a boolean, one_off or recurring")
        }
        if value, !confirm { throw StripeError.invalid("off_session", "The parameter off_session can only be used when confirm=true.") }
        return value
    }

    /// What a new intent's payment methods are. Listing `payment_method_types` turns automatic
    /// payment methods off; without it they are on by default since API version 2023-08-16
    /// (`automatic_payment_methods[enabled]=false` turns them off), and redirect-based methods
    /// are allowed unless `automatic_payment_methods[allow_redirects]=never`.
    private static func automaticPaymentMethods(_ params: FormFields, apiVersion: String?) throws -> StripePaymentIntent.AutomaticPaymentMethods? {
        let listed = params.list("payment_method_types")
        let automatic = params.hash("automatic_payment_methods")
        for type in listed where type != "card" {
            throw StripeError.invalid("payment_method_types", "The payment method type \"\(type)\" is invalid. The sandbox only accepts card.")
        }
        let enabled = try boolean(automatic["enabled"], param: "automatic_payment_methods[enabled]")
        if !listed.isEmpty {
            if enabled == true {
                throw StripeError.invalid("automatic_payment_methods", "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.")
            }
            return nil
        }
        guard enabled ?? ((apiVersion ?? StripeIDs.defaultAPIVersion) >= automaticPaymentMethodsSince) else { return nil }
        let redirects = automatic["allow_redirects"] ?? "always"
        guard ["always", "never"].contains(redirects) else {
            throw StripeError.invalid("automatic_payment_methods[allow_redirects]", "Invalid allow_redirects: must be one of always or never")
        }
        return .init(allowRedirects: redirects)
    }

    /// The API version from which a PaymentIntent without `payment_method_types` has automatic
    /// payment methods on.
    static let automaticPaymentMethodsSince = "2023-08-16"

    private static func checkKnown(_ params: FormFields, _ allowed: Set<String>) throws {
        for pair in params.pairs {
            let root = FormFields.rootName(of: pair.name)
            if !allowed.contains(root) { throw StripeError.unknownParam(root) }
        }
    }

    private static func integer(_ text: String, param: String) throws -> Int {
        guard let value = Int(text) else { throw StripeError.invalid(param, "Invalid integer: \(text)", code: "parameter_invalid_integer") }
        return value
    }

    private static func boolean(_ text: String?, param: String) throws -> Bool? {
        guard let text else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw StripeError.invalid(param, "Invalid boolean: \(text)")
        }
    }

    /// Stripe metadata updates: set keys are replaced, keys set to "" are removed.
    private static func merged(_ current: [String: String], _ update: [String: String]) -> [String: String] {
        var result = current
        for (key, value) in update { result[key] = value.isEmpty ? nil : value }
        return result
    }

    private static func formatMinor(_ amount: Int, _ currency: String) -> String {
        let major = Decimal(amount) / 100
        return "\(currency == "usd" ? "$" : "")\(major)"
    }
}
