/// The shop (or other OAuth client) a verified access token speaks for: what request logs and
/// history entries name as the actor, and the scopes the routes check.
public struct AuthenticatedClient: Sendable, Equatable {
    /// `client_id` of the token, else its subject.
    public let clientID: String
    public let scopes: Set<String>

    public init(clientID: String, scopes: Set<String>) {
        self.clientID = clientID
        self.scopes = scopes
    }
}
