/// OAuth client-credentials of a carrier app (FedEx API key/secret, UPS client id/secret, USPS
/// consumer key/secret) plus the shipper account the labels are billed to.
public struct CarrierCredentials: Sendable {
    public var clientID: String
    public var clientSecret: Secret
    /// The shipper account number (FedEx `accountNumber.value`, UPS `ShipperNumber`).
    public var accountNumber: String

    public init(clientID: String, clientSecret: Secret, accountNumber: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.accountNumber = accountNumber
    }
}
