import Sundial

/// A stored secret that cannot be decrypted with the configured `SUNDIAL_SECRETS_KEY`: the key
/// differs from the one it was written with, or the row was altered. Permanent: retrying with
/// the same key cannot help, an operator must restore the key.
public struct SecretUnreadable: Error, Sendable, Equatable, RetryClassifiable, CustomStringConvertible {
    /// The secret's name (never its value).
    public let name: String

    public var retryDisposition: RetryDisposition { .permanent }

    public var description: String {
        "the stored secret '\(name)' cannot be decrypted with \(SecretsKey.variable): the key differs from the one it was stored with, "
            + "or the row was altered; configure the original key on every worker"
    }
}
