/// USPS v3 credentials: the app's consumer key and secret, and the Enterprise Payment System
/// account and customer ids that pay for and own the labels.
public struct USPSCredentials: Sendable {
    public var clientID: String
    public var clientSecret: Secret
    /// Customer Registration ID of the payer and label owner.
    public var crid: String
    /// Mailer ID.
    public var mid: String
    /// The manifest MID (often the same as `mid`).
    public var manifestMID: String
    /// EPS account number that pays postage.
    public var accountNumber: String

    public init(clientID: String, clientSecret: Secret, crid: String, mid: String, manifestMID: String? = nil, accountNumber: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.crid = crid
        self.mid = mid
        self.manifestMID = manifestMID ?? mid
        self.accountNumber = accountNumber
    }
}
