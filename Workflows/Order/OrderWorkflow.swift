import Foundation
import Integrations
import Sundial

/// An order's whole life as one state machine (INT-001, INT-003, INT-004, INT-010):
/// authorize the card → buy a label, failing over from carrier to carrier → capture → follow the
/// parcel by webhook and polling → invoice once delivered. Each effect registers its undo where it
/// happens (release the authorization, void the label, refund), so a cancel before shipment or a
/// total carrier outage leaves nothing charged and nothing billed.
///
/// Idempotency keys are per order and purpose (`<workflow id>/authorize`, `/capture`,
/// `/label/<carrier>`, `/invoice`), stable across retries, crashes and re-visits. FedEx and UPS
/// cannot dedupe a purchase, so a label step first looks up labels already bought under its
/// customer reference and voids them (a lost response or a crash after the purchase).
public struct OrderWorkflow: Workflow {
    public static let name = "order"
    public static let version = 1
    public static let initialState = OrderState.authorize

    /// Where each state's handler may go (the dashboard's diagram); the failure branches of
    /// `label` (→ nextCarrier) and `invoice` (→ needsAttention) come from ``policy(for:)``.
    public static let stateGraph: [OrderState: [OrderState]] = [
        .authorize: [.label, .confirmPayment],
        .confirmPayment: [.label, .confirmPayment],
        .label: [.capture],
        .nextCarrier: [.label],
        .capture: [.track],
        .track: [.invoice, .needsAttention, .track],
        .needsAttention: [.track, .invoice, .needsAttention],
    ]

    public typealias State = OrderState
    public typealias Input = OrderInput
    public typealias Context = OrderContext
    public typealias Output = OrderOutcome
    public typealias Compensation = OrderUndo

    public let services: OrderServices

    public init(services: OrderServices) { self.services = services }

    public static func validate(_ input: OrderInput) throws {
        let problems = input.problems()
        if !problems.isEmpty { throw InputError(problems) }
    }

    public static func makeContext(from input: OrderInput) -> OrderContext { OrderContext(order: input) }

    // MARK: Policies

    public func policy(for state: OrderState) -> StatePolicy<OrderState> {
        switch state {
        case .authorize, .confirmPayment:
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(1), maxDelay: .seconds(30), maxAttempts: 6), timeout: .seconds(45))
        case .label:
            // A carrier gets three tries, or none while its circuit is open; then the next one.
            StatePolicy(retry: RetryPolicy(initialDelay: .milliseconds(500), maxDelay: .seconds(5), maxAttempts: 3,
                                           classify: Self.circuitOpenIsFinal),
                        onFailure: .nextCarrier, timeout: .seconds(60))
        case .capture:
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(1), maxDelay: .seconds(60), maxAttempts: 8), timeout: .seconds(45))
        case .invoice:
            // Invoicing never undoes a delivered order: when QuickBooks keeps failing, an operator looks.
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(2), maxDelay: .seconds(300), maxAttempts: 10),
                        onFailure: .needsAttention, timeout: .seconds(60))
        case .nextCarrier, .track, .needsAttention:
            StatePolicy(retry: RetryPolicy(initialDelay: .seconds(1), maxDelay: .seconds(60), maxAttempts: 10), timeout: .seconds(90))
        }
    }

    /// An open circuit means "this carrier is down": go to the next carrier at once.
    static let circuitOpenIsFinal: @Sendable (any Error) -> RetryDisposition = { error in
        if error is CircuitOpen { return .permanent }
        return RetryPolicy.defaultClassification(error)
    }

    /// Before the parcel is with the carrier, a cancel voids the label and refunds; after, it is
    /// refused with the reason.
    public func cancellationRefusal(in state: OrderState, context: OrderContext) -> String? {
        switch state {
        case .authorize, .confirmPayment, .label, .nextCarrier, .capture: return nil
        case .invoice: return "the order was delivered; cancelling is no longer possible (start a return instead)"
        case .track, .needsAttention:
            guard context.tracking.status != "label_created" else { return nil }
            return "the parcel is already with the carrier (\(context.tracking.status)); cancelling after shipment is refused (start a return instead)"
        }
    }

    // MARK: States

    public func run(_ state: OrderState, _ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        switch state {
        case .authorize: return try await authorize(&ctx, step)
        case .confirmPayment: return try await confirmPayment(&ctx, step)
        case .label: return try await buyLabel(&ctx, step)
        case .nextCarrier: return try await nextCarrier(&ctx, step)
        case .capture: return try await capture(&ctx, step)
        case .track: return try await track(&ctx, step)
        case .needsAttention: return needsAttention(&ctx, step)
        case .invoice: return try await invoice(&ctx, step)
        }
    }

    /// The purchase key's purpose for `carrier` in the current round: each round through the
    /// carriers buys under its own key (and FedEx/UPS reference), so the sweep of a carrier given
    /// up on in one round never voids the label a later round keeps from that carrier.
    private static func labelPurpose(_ carrier: String, roundsFailed: Int?) -> String {
        let round = roundsFailed ?? 0
        return "label/\(carrier)" + (round > 0 ? "/round\(round + 1)" : "")
    }

    private func key(_ step: Step<Self>, _ purpose: String) -> String {
        "\(step.workflowID.uuidString.lowercased())/\(purpose)"
    }

    private func authorize(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        let order = ctx.order
        if ctx.shipDate == nil { ctx.shipDate = Self.day(step.now) }
        if let checkout = order.paymentIntent { return try await adoptCheckoutPayment(checkout, &ctx, step) }
        guard let paymentMethod = order.paymentMethod else { throw WorkflowError.permanent("the order names neither payment_method nor payment_intent") }
        let request = PaymentAuthorizationRequest(
            orderID: order.orderID, amountMinor: order.totalMinor, currency: order.currency, paymentMethod: paymentMethod,
            metadata: ["workflow_id": step.workflowID.uuidString.lowercased(), "customer_id": order.customer.id])
        let intent: PaymentIntent
        do {
            intent = try await services.payments.authorize(request, idempotencyKey: key(step, "authorize"))
        } catch let declined as PaymentDeclined {
            let reason = declined.needsAuthentication ? Self.needsAuthenticationReason : "card declined: \(declined.declineCode ?? declined.code ?? "declined")"
            ctx.note("payment declined", declined.message, at: step.now)
            try enqueueCancelled(order, reason: declined.needsAuthentication ? "payment needs customer authentication" : "payment declined", step)
            return .cancel(reason: reason)
        } catch let error where ctx.authorizationInDoubt != true && RetryPolicy.defaultClassification(error) != .permanent {
            // The hold may exist although its answer never came back. Register, once, the undo
            // that finds the order's payments by metadata[order_id] and releases them, then try
            // again under the same key (Stripe replays its saved answer): from here on a cancel
            // or a give-up cannot leave a forgotten hold on the customer's card.
            ctx.authorizationInDoubt = true
            step.onUndo(.releaseOrderPayments(orderID: order.orderID))
            ctx.note("payment outcome unknown", "\(error)", at: step.now)
            step.logger.warning("the authorization's answer was lost; it may exist: retrying under the same key",
                                metadata: ["error": "\(error)"])
            return .sleep(for: .seconds(1), then: .authorize)
        }
        ctx.paymentIntentID = intent.id
        ctx.paymentStatus = intent.status
        step.onUndo(.releaseAuthorization(paymentIntentID: intent.id))
        return try afterAuthorization(intent, &ctx, step)
    }

    /// The order came with a PaymentIntent the shop's checkout authorized (the customer present,
    /// 3-D Secure done there): read it and check it is this order's hold, for this amount, to be
    /// captured by us. A mismatch cancels the order with the reason and leaves the intent alone:
    /// a hold Sundial cannot match to this order is not Sundial's to release.
    private func adoptCheckoutPayment(_ id: String, _ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        let intent: PaymentIntent
        do {
            intent = try await services.payments.retrieve(paymentIntentID: id)
        } catch let error as StripeError where error.status == 404 {
            ctx.note("payment not found", id, at: step.now)
            try enqueueCancelled(ctx.order, reason: "payment_intent not found", step)
            return .cancel(reason: "the payment_intent \(id) does not exist in Stripe")
        }
        if let problem = Self.checkoutMismatch(intent, ctx.order) {
            ctx.note("payment does not match the order", problem, at: step.now)
            try enqueueCancelled(ctx.order, reason: "payment_intent does not match the order", step)
            return .cancel(reason: "the payment_intent \(id) cannot pay this order: \(problem)")
        }
        ctx.paymentIntentID = intent.id
        ctx.paymentStatus = intent.status
        step.onUndo(.releaseAuthorization(paymentIntentID: intent.id))
        return try afterAuthorization(intent, &ctx, step)
    }

    /// Why a checkout PaymentIntent cannot pay `order`, or nil when it can.
    static func checkoutMismatch(_ intent: PaymentIntent, _ order: OrderInput) -> String? {
        if let owner = intent.metadata["order_id"], owner != order.orderID { return "it belongs to order \(owner)" }
        if intent.currency.lowercased() != order.currency.lowercased() {
            return "its currency is \(intent.currency), the order's \(order.currency)"
        }
        if intent.amountMinor != order.totalMinor {
            return "it is for \(intent.amountMinor) minor units, the order totals \(order.totalMinor)"
        }
        if intent.captureMethod != "manual" {
            return "its capture_method is \(intent.captureMethod ?? "automatic"); Sundial captures at shipment and needs manual"
        }
        let usable = ["requires_capture", "processing", "requires_action", "requires_confirmation"]
        if !usable.contains(intent.status) { return "its status is \(intent.status)" }
        return nil
    }

    private func confirmPayment(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        guard let id = ctx.paymentIntentID else { throw WorkflowError.permanent("no payment intent to confirm") }
        ctx.paymentChecks += 1
        let intent = try await services.payments.retrieve(paymentIntentID: id)
        ctx.paymentStatus = intent.status
        return try afterAuthorization(intent, &ctx, step)
    }

    /// Where an authorization leads: on to the label, a wait for Stripe's webhook, or a cancel.
    private func afterAuthorization(_ intent: PaymentIntent, _ ctx: inout OrderContext, _ step: Step<Self>) throws -> Next {
        switch intent.status {
        case "requires_capture":
            ctx.note("payment authorized", "\(ExactDecimal(ctx.order.total, fractionDigits: 2)) \(ctx.order.currency.uppercased())", at: step.now)
            try step.enqueue(topic: OrderStatusEvent.topic, payload: OrderStatusEvent(
                orderID: ctx.order.orderID, event: "confirmed", occurredAt: step.now))
            return .next(.label)
        case "requires_action" where ctx.order.paymentIntent == nil:
            // Merchant-initiated: nobody is there to authenticate, so waiting would only loop.
            // The release undo registered with the intent frees the hold.
            ctx.note("payment needs customer authentication", intent.lastPaymentErrorCode, at: step.now)
            try enqueueCancelled(ctx.order, reason: "payment needs customer authentication", step)
            return .cancel(reason: Self.needsAuthenticationReason)
        case "processing", "requires_action", "requires_confirmation":
            let maxChecks = 6
            guard ctx.paymentChecks < maxChecks else {
                return .cancel(reason: "the payment was not confirmed after \(maxChecks) checks (status \(intent.status))")
            }
            ctx.note("payment processing", "waiting for Stripe to confirm", at: step.now)
            let wait = services.settings.paymentConfirmationTimeout / maxChecks
            return .await(signal: "payment", timeout: wait, then: .confirmPayment, onTimeout: .confirmPayment)
        default:
            ctx.note("payment failed", intent.status, at: step.now)
            return .cancel(reason: "the payment ended \(intent.status)\(intent.lastPaymentErrorCode.map { " (\($0))" } ?? "")")
        }
    }

    static let needsAuthenticationReason = "the card requires the customer's authentication (3-D Secure), which a payment taken without the customer cannot ask for; take the payment at checkout and send payment_intent"

    /// Tells the shop the order is cancelled. One notice per order: every path that cancels
    /// (a decline, a payment released by an undo) uses the same outbox key, so the first wins.
    private func enqueueCancelled(_ order: OrderInput, reason: String, _ step: Step<Self>) throws {
        try step.enqueue(topic: OrderStatusEvent.topic, payload: OrderStatusEvent(
            orderID: order.orderID, event: "cancelled", reason: reason, occurredAt: step.now), key: Self.cancelledNoticeKey(step.workflowID))
    }

    static func cancelledNoticeKey(_ workflowID: UUID) -> String {
        "\(workflowID.uuidString.lowercased())/cancelled"
    }

    private func buyLabel(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        let choices = services.routing.choices(for: ctx.order.serviceLevel)
        guard ctx.carrierIndex < choices.count else {
            return .fail(reason: "no carrier could sell a label: \(ctx.carrierFailures.joined(separator: "; "))")
        }
        let choice = choices[ctx.carrierIndex]
        guard let carrier = services.carriers[choice.carrier] else {
            throw WorkflowError.permanent("carrier \(choice.carrier) is not configured on this worker")
        }
        let purchaseKey = key(step, Self.labelPurpose(choice.carrier, roundsFailed: ctx.carrierRoundsFailed))
        if !carrier.purchasesAreIdempotent {
            // A purchase whose response was lost (or whose commit never happened) left a label
            // under this reference: void it before buying, so only one label is ever kept.
            let reference = CustomerReference.derive(fromIdempotencyKey: purchaseKey)
            for stray in try await carrier.labels(withReference: reference) where stray.status != .cancelled {
                // A stale run (this worker paused past its lease) must not void the label the
                // run that took over kept.
                try await step.ensureLeaseHeld()
                step.logger.notice("voiding a label an earlier attempt bought", metadata: ["tracking_number": "\(stray.trackingNumber)"])
                try await carrier.voidLabel(trackingNumber: stray.trackingNumber)
            }
        }
        let request = LabelRequest(
            shipper: services.shipper, recipient: ctx.order.shippingAddress.postalAddress,
            weightPounds: ctx.order.weightPounds, service: choice.service, shipDate: ctx.shipDate)
        // A stale run must not buy a second label next to the one the run that took over kept.
        try await step.ensureLeaseHeld()
        let label = try await carrier.buyLabel(request, idempotencyKey: purchaseKey)
        step.onUndo(.voidLabel(carrier: choice.carrier, trackingNumber: label.trackingNumber))
        if !carrier.purchasesAreIdempotent {
            // A stale run paused between that check and the purchase could still buy one: a
            // sweep looks again a little later and voids whatever is not the kept label.
            try step.startChild(StrayLabelSweep.self, key: "\(ctx.order.orderID)/\(choice.carrier)/kept",
                                input: StrayLabelSweep.Input(
                                    orderID: ctx.order.orderID, carrier: choice.carrier,
                                    reference: CustomerReference.derive(fromIdempotencyKey: purchaseKey),
                                    keep: label.trackingNumber, delaySeconds: services.settings.straySweepDelaySeconds))
        }
        let storedAt = try await services.labels.store(label, orderID: ctx.order.orderID)
        ctx.label = LabelRecord(carrier: choice.carrier, trackingNumber: label.trackingNumber, service: choice.service,
                                storedAt: storedAt, format: label.imageFormat)
        ctx.tracking.lastProgressAt = step.now
        ctx.note("label bought", "\(carrier.name) \(label.trackingNumber)", at: step.now)
        step.tag("tracking_number", label.trackingNumber)
        return .next(.capture)
    }

    private func nextCarrier(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        let choices = services.routing.choices(for: ctx.order.serviceLevel)
        if ctx.carrierIndex < choices.count {
            let failed = choices[ctx.carrierIndex].carrier
            let reason = step.previousError ?? "failed"
            ctx.carrierFailures.append("\(failed): \(reason)")
            ctx.note("carrier failed over", "\(failed): \(reason)", at: step.now)
            step.logger.warning("carrier failed; trying the next one", metadata: ["carrier": "\(failed)", "error": "\(reason)"])
            if let carrier = services.carriers[failed] {
                // A purchase whose answer was lost may have left a label there: a child workflow
                // finds it and voids it, patiently, without holding this order up. FedEx and UPS:
                // by the purchase's reference, and only after the sweep delay, since a carrier's
                // lookup by reference may not show a label bought seconds ago (the last
                // attempt's). USPS: by the purchase key, which cancels what it bought.
                let purchaseKey = key(step, Self.labelPurpose(failed, roundsFailed: ctx.carrierRoundsFailed))
                let round = ctx.carrierRoundsFailed ?? 0
                try step.startChild(StrayLabelSweep.self, key: "\(ctx.order.orderID)/\(failed)" + (round > 0 ? "/round\(round + 1)" : ""),
                                    input: StrayLabelSweep.Input(orderID: ctx.order.orderID, carrier: failed,
                                                                 reference: CustomerReference.derive(fromIdempotencyKey: purchaseKey),
                                                                 delaySeconds: services.settings.straySweepDelaySeconds,
                                                                 purchaseKey: carrier.purchasesAreIdempotent ? purchaseKey : nil))
            }
        }
        ctx.carrierIndex += 1
        guard ctx.carrierIndex < choices.count else {
            let rounds = (ctx.carrierRoundsFailed ?? 0) + 1
            guard rounds < services.settings.labelRounds else {
                return .fail(reason: "no carrier could sell a label: \(ctx.carrierFailures.joined(separator: "; "))")
            }
            // Every carrier failed this round: wait, then start again from the first choice.
            ctx.carrierRoundsFailed = rounds
            ctx.carrierIndex = 0
            ctx.note("every carrier failed; trying them again", "round \(rounds + 1) of \(services.settings.labelRounds)", at: step.now)
            step.logger.warning("every carrier failed; trying them again after a pause", metadata: [
                "round": "\(rounds + 1)", "pause": "\(services.settings.labelRoundPause)",
            ])
            return .sleep(for: services.settings.labelRoundPause, then: .label)
        }
        return .next(.label)
    }

    private func capture(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        guard let id = ctx.paymentIntentID, let label = ctx.label else { throw WorkflowError.permanent("nothing to capture") }
        let intent: PaymentIntent
        do {
            intent = try await services.payments.capture(paymentIntentID: id, amountMinor: nil, idempotencyKey: key(step, "capture"))
        } catch let error where ctx.refundUndoRegistered != true && RetryPolicy.defaultClassification(error) != .permanent {
            // The capture may have happened unseen: register the refund undo now (it checks
            // that something was captured before refunding), then retry under the same key.
            ctx.refundUndoRegistered = true
            step.onUndo(.refund(paymentIntentID: id))
            ctx.note("capture outcome unknown", "\(error)", at: step.now)
            step.logger.warning("the capture's answer was lost; it may have happened: retrying under the same key", metadata: ["error": "\(error)"])
            return .sleep(for: .seconds(1), then: .capture)
        }
        ctx.captured = true
        ctx.paymentStatus = intent.status
        if ctx.refundUndoRegistered != true {
            ctx.refundUndoRegistered = true
            step.onUndo(.refund(paymentIntentID: id))
        }
        ctx.note("payment captured", nil, at: step.now)
        try step.enqueue(topic: OrderStatusEvent.topic, payload: OrderStatusEvent(
            orderID: ctx.order.orderID, event: "shipped", carrier: label.carrier, trackingNumber: label.trackingNumber, occurredAt: step.now))
        return .next(.track)
    }

    /// The tracking loop: apply the webhook that woke it, or poll when none came in time, then
    /// decide (delivered → invoice; exception or stalled → needs attention; else wait again).
    private func track(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        guard let label = ctx.label else { throw WorkflowError.permanent("no label to track") }
        if let signal = step.signal, signal.name == TrackingEvent.signal {
            if let event = try? signal.decode(TrackingEvent.self), event.trackingNumber == label.trackingNumber {
                apply(event, to: &ctx, now: step.now)
            } else {
                step.logger.warning("ignoring a tracking signal that does not decode or names another parcel",
                                    metadata: ["signal_id": "\(signal.id)"])
            }
        } else if step.timedOut {
            ctx.tracking.polls += 1
            do {
                guard let carrier = services.carriers[label.carrier] else {
                    throw WorkflowError.retryable("carrier \(label.carrier) is not configured on this worker")
                }
                let info = try await carrier.track(trackingNumber: label.trackingNumber)
                if let status = Self.status(of: info.status) {
                    apply(TrackingEvent(eventID: "poll-\(ctx.tracking.polls)", carrier: label.carrier, trackingNumber: label.trackingNumber,
                                        status: status, description: info.carrierDescription), to: &ctx, now: step.now)
                }
            } catch {
                // A failed poll is not the parcel's problem: wait for the next webhook or poll.
                step.logger.warning("tracking poll failed", metadata: ["error": "\(error)"])
            }
        }

        switch ctx.tracking.status {
        case "delivered":
            try step.enqueue(topic: OrderStatusEvent.topic, payload: OrderStatusEvent(
                orderID: ctx.order.orderID, event: "delivered", carrier: label.carrier, trackingNumber: label.trackingNumber,
                occurredAt: ctx.tracking.deliveredAt ?? step.now))
            ctx.invoiceDueSince = step.now
            return .next(.invoice)
        case "exception":
            ctx.attention = "the carrier reported a delivery exception\(ctx.tracking.location.map { " at \($0)" } ?? "")"
            return .next(.needsAttention)
        default:
            let since = ctx.tracking.lastProgressAt ?? step.now
            let quiet = Duration.seconds(step.now.timeIntervalSince(since))
            if quiet >= services.settings.stallAfter {
                ctx.attention = "no tracking progress since \(ISO8601DateFormatter().string(from: since))"
                return .next(.needsAttention)
            }
            let wait = min(services.settings.pollInterval, services.settings.stallAfter - quiet)
            return .await(signal: TrackingEvent.signal, timeout: max(wait, .seconds(1)), then: .track, onTimeout: .track)
        }
    }

    /// Applies one tracking update: duplicates change nothing, and an update older in the
    /// parcel's journey than what is known (out of order) never moves it backwards.
    private func apply(_ event: TrackingEvent, to ctx: inout OrderContext, now: Date) {
        guard !ctx.tracking.seenEventIDs.contains(event.eventID) else { return }
        ctx.tracking.seenEventIDs.append(event.eventID)
        if ctx.tracking.seenEventIDs.count > 50 { ctx.tracking.seenEventIDs.removeFirst() }
        let current = Self.rank[ctx.tracking.status] ?? 0
        guard let incoming = Self.rank[event.status] else { return }
        guard incoming > current || (event.status == "exception" && ctx.tracking.status != "delivered") else { return }
        ctx.tracking.status = event.status
        if let location = event.location { ctx.tracking.location = location }
        ctx.tracking.lastProgressAt = now
        if event.status == "delivered" { ctx.tracking.deliveredAt = event.occurredAt ?? now }
        ctx.note(event.status.replacingOccurrences(of: "_", with: " "), event.location ?? event.description, at: now)
    }

    /// The parcel's journey in order; an exception ranks with "in transit" but is applied
    /// whenever it comes before delivery.
    static let rank: [String: Int] = ["label_created": 0, "in_transit": 1, "exception": 1, "out_for_delivery": 2, "delivered": 3]

    static func status(of status: TrackingInfo.Status) -> String? {
        switch status {
        case .inTransit: "in_transit"
        case .outForDelivery: "out_for_delivery"
        case .delivered: "delivered"
        case .exception: "exception"
        case .labelCreated, .cancelled, .notFound, .unknown: nil
        }
    }

    private func needsAttention(_ ctx: inout OrderContext, _ step: Step<Self>) -> Next {
        guard let signal = step.signal, signal.name == "resume" else {
            if ctx.attention == nil { ctx.attention = step.previousError ?? "an operator must look at this order" }
            ctx.note("needs attention", ctx.attention, at: step.now)
            step.logger.warning("order needs an operator", metadata: ["reason": "\(ctx.attention ?? "")"])
            return .await(signal: "resume", then: .needsAttention)
        }
        let payload = try? signal.decode([String: String].self)
        ctx.note("resumed by operator", payload?["reason"], at: step.now)
        ctx.attention = nil
        if ctx.tracking.status == "delivered" {
            ctx.invoiceDueSince = step.now
            return .next(.invoice)
        }
        // Back to tracking with a fresh stall clock; an exception stays until the carrier moves on.
        ctx.tracking.lastProgressAt = step.now
        if ctx.tracking.status == "exception" { ctx.tracking.status = "in_transit" }
        return .next(.track)
    }

    private func invoice(_ ctx: inout OrderContext, _ step: Step<Self>) async throws -> Next {
        let order = ctx.order
        let docNumber = Self.docNumber(order.orderID)
        if ctx.invoice == nil {
            // Never twice: the requestid is stable per order (QuickBooks answers a repeated one
            // with the first invoice), and once the order has waited longer than
            // `invoiceLookupAfter` (QuickBooks documents no retention for requestids) an invoice
            // found under the order's document number is kept. The lookup is skipped before
            // that: it costs a call, and under QuickBooks' rate limit a step that needs two calls
            // in a row starves behind steps that need one.
            let waited = ctx.invoiceDueSince.map { step.now.timeIntervalSince($0) } ?? .infinity
            if waited >= services.settings.invoiceLookupAfter.seconds,
               let existing = try await services.accounting.findInvoice(docNumber: docNumber) {
                ctx.invoice = InvoiceRecord(id: existing.id, docNumber: existing.docNumber)
            } else {
                var lines = order.items.map {
                    InvoiceLine(itemID: services.settings.merchandiseItemID, description: "\($0.sku)\($0.description.map { " \($0)" } ?? "")",
                                quantity: Decimal($0.quantity), unitPrice: $0.unitPrice.value)
                }
                if let shipping = order.shippingAmount, shipping.value > 0 {
                    lines.append(InvoiceLine(itemID: services.settings.shippingItemID, description: "Shipping", quantity: 1, unitPrice: shipping.value))
                }
                let created = try await services.accounting.createInvoice(InvoiceRequest(
                    customerID: services.settings.invoiceCustomerID, docNumber: docNumber, lines: lines,
                    txnDate: Self.day(step.now), privateNote: "Sundial order \(order.orderID), customer \(order.customer.id)"),
                    idempotencyKey: key(step, "invoice"))
                ctx.invoice = InvoiceRecord(id: created.id, docNumber: created.docNumber)
            }
            ctx.note("invoiced", ctx.invoice?.id, at: step.now)
        }
        return .complete(OrderOutcome(
            orderID: order.orderID, customer: order.customer, items: order.items, currency: order.currency,
            subtotal: ExactDecimal(order.subtotal, fractionDigits: 2),
            shippingAmount: ExactDecimal(order.shippingAmount?.value ?? 0, fractionDigits: 2),
            taxAmount: ExactDecimal(order.taxAmount?.value ?? 0, fractionDigits: 2),
            total: ExactDecimal(order.total, fractionDigits: 2), paymentIntentID: ctx.paymentIntentID ?? "",
            carrier: ctx.label?.carrier ?? "", trackingNumber: ctx.label?.trackingNumber ?? "",
            invoiceID: ctx.invoice?.id, deliveredAt: ctx.tracking.deliveredAt))
    }

    // MARK: Compensations

    public func compensate(_ action: OrderUndo, _ ctx: OrderContext, _ step: UndoStep) async throws {
        switch action {
        case .releaseAuthorization(let id):
            // Registered first, so it runs last: by then a captured payment was refunded.
            let intent = try await services.payments.retrieve(paymentIntentID: id)
            if Self.releasable.contains(intent.status) {
                _ = try await services.payments.cancelAuthorization(paymentIntentID: id, reason: nil, idempotencyKey: step.idempotencyKey)
            }
            try enqueueCancelled(ctx.order, step)
        case .releaseOrderPayments(let orderID):
            // The authorization's answer was lost: find what was held for the order by its
            // metadata and release it. Stripe's search can lag a minute behind, so an empty
            // answer is believed only after a few tries spread over minutes.
            let found = try await services.payments.payments(forOrder: orderID)
            if found.isEmpty, step.attempt < services.settings.paymentSearchTries {
                throw WorkflowError.retryable("no payment found for order \(orderID) yet (Stripe's search can lag); looking again")
            }
            for intent in found where Self.releasable.contains(intent.status) {
                _ = try await services.payments.cancelAuthorization(
                    paymentIntentID: intent.id, reason: nil, idempotencyKey: "\(step.idempotencyKey)/\(intent.id)")
                step.logger.notice("released a hold found by the order's metadata", metadata: ["payment_intent": "\(intent.id)"])
            }
            try enqueueCancelled(ctx.order, step)
        case .voidLabel(let carrierKey, let trackingNumber):
            guard let carrier = services.carriers[carrierKey] else { throw WorkflowError.retryable("carrier \(carrierKey) is not configured on this worker") }
            do {
                try await carrier.voidLabel(trackingNumber: trackingNumber)
            } catch {
                // A void whose first answer was lost fails the second time: done if the label shows cancelled.
                guard (try? await carrier.track(trackingNumber: trackingNumber))?.status == .cancelled else { throw error }
            }
            step.logger.info("label voided", metadata: ["carrier": "\(carrierKey)", "tracking_number": "\(trackingNumber)"])
        case .refund(let id):
            // Registered before a capture whose answer was lost too: refund only what was taken.
            let intent = try await services.payments.retrieve(paymentIntentID: id)
            // The status says it; `amount_received` is not in every answer (localstripe omits it).
            guard intent.status == "succeeded" else {
                step.logger.info("nothing captured, nothing to refund", metadata: ["payment_intent": "\(id)", "status": "\(intent.status)"])
                return
            }
            _ = try await services.payments.refund(paymentIntentID: id, amountMinor: nil, idempotencyKey: step.idempotencyKey)
            step.logger.info("payment refunded", metadata: ["payment_intent": "\(id)"])
        }
    }

    /// The shop's cancel notice from an undo, under the order's one notice key.
    private func enqueueCancelled(_ order: OrderInput, _ step: UndoStep) throws {
        try step.enqueue(topic: OrderStatusEvent.topic, payload: OrderStatusEvent(
            orderID: order.orderID, event: "cancelled", reason: "order cancelled; payment released or refunded", occurredAt: Date()),
            key: Self.cancelledNoticeKey(step.workflowID))
    }

    /// PaymentIntent statuses an authorization can still be cancelled from.
    static let releasable: Set<String> = ["requires_capture", "requires_confirmation", "requires_action", "requires_payment_method", "processing"]

    /// QuickBooks document numbers hold at most 21 characters: the order id when it fits,
    /// else `SO-` and a stable hash of it.
    public static func docNumber(_ orderID: String) -> String {
        if orderID.count <= 21 { return orderID }
        return "SO-" + String(CustomerReference.derive(fromIdempotencyKey: "doc:" + orderID).dropFirst(3).prefix(18))
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// The undo actions of an order, pushed as their effects happen and run newest first.
public enum OrderUndo: Codable, Sendable, Equatable {
    /// Cancel the authorization unless it was captured (the refund above it handles that).
    /// Also tells the shop the order was cancelled.
    case releaseAuthorization(paymentIntentID: String)
    /// Release every hold found under `metadata[order_id]`: registered when an authorization's
    /// answer was lost, so a hold nobody saw is still released.
    case releaseOrderPayments(orderID: String)
    case voidLabel(carrier: String, trackingNumber: String)
    /// Refund what was captured (nothing, when the capture never happened).
    case refund(paymentIntentID: String)
}

extension OrderState: WorkflowState {}
