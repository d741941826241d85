/// One profile an import job could not import, with the platform's reason. Exists so a sync
/// reports which customers did not reach the platform, instead of counting the batch as sent.
public struct ProfileImportFailure: Sendable, Codable, Equatable {
    /// The profile's email, when the platform sent the original payload back.
    public var email: String?
    /// The platform's code (`invalid`, …) and its explanation.
    public var code: String
    public var detail: String
    /// Where in the job's request the problem was (`/data/attributes/profiles/data/3/attributes/email`).
    public var pointer: String?

    public init(email: String?, code: String, detail: String, pointer: String?) {
        self.email = email
        self.code = code
        self.detail = detail
        self.pointer = pointer
    }
}
