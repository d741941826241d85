/// The states of the order workflow, in the order an order usually passes them. The raw values
/// are stored in Postgres and shown to operators.
public enum OrderState: String, Sendable, CaseIterable {
    /// Hold the total on the card (Stripe PaymentIntent, manual capture).
    case authorize
    /// The authorization is still processing: wait for Stripe's webhook, or re-read it on timeout.
    case confirmPayment
    /// Buy a label from the current carrier of the preference list.
    case label
    /// The current carrier kept failing (or its circuit is open): void what it may have sold,
    /// then try the next carrier, or give up and compensate.
    case nextCarrier
    /// Take the held funds now that the parcel has a label (card rules: capture at shipment).
    case capture
    /// Follow the parcel: apply each tracking webhook, and poll the carrier when none came in
    /// time (the state stays `track` while it waits).
    case track
    /// Parked for an operator (a delivery exception, or no progress for too long); resumed by
    /// the `resume` signal (`sundial workflows resume`).
    case needsAttention
    /// Create the QuickBooks invoice (once per order), then complete.
    case invoice
}
