import Crypto
import Foundation

/// Named secrets the whole fleet shares, stored in Postgres (`secrets`) and encrypted at rest
/// with AES-256-GCM under ``SecretsKey``, the secret's name bound in as authenticated data.
/// Exists for values a vendor rotates at run time (a refresh token), which every worker must read
/// and only one may renew at a time; the engine neither knows nor logs what they are.
public struct EncryptedSecrets: Sendable {
    let store: WorkflowStore
    let key: SecretsKey
    /// How long ``renew(_:_:)`` waits for another worker's renewal before giving up.
    public var lockTimeout: Duration = .seconds(30)

    public init(store: WorkflowStore, key: SecretsKey) {
        self.store = store
        self.key = key
    }

    /// The value stored under `name`, decrypted; nil when there is none. Throws
    /// ``SecretUnreadable`` when the key does not open it.
    public func value(_ name: String) async throws -> Data? {
        try await store.sealedSecret(name).map { try open($0, name: name) }
    }

    /// Stores `value` under `name` unless a value is stored already, so a configured value seeds
    /// the first run and never overwrites a newer one; true when it was stored.
    @discardableResult
    public func seed(_ name: String, value: Data) async throws -> Bool {
        try await store.seedSealedSecret(name, sealed: try seal(value, name: name))
    }

    /// Renews the value under `name`: `replace` gets the value stored now (nil when none) while
    /// this caller holds the secret's row lock, and returns the new value or nil to keep it; the
    /// value stored afterwards is returned. Another worker renewing the same name waits, then
    /// gets the new value, so a value is never renewed from a stale copy. `replace` runs inside
    /// the transaction: keep it to the one call that renews.
    public func renew(_ name: String, _ replace: (Data?) async throws -> Data?) async throws -> Data? {
        let sealed = try await store.withLockedSealedSecret(name, lockTimeout: lockTimeout) { current in
            let value = try current.map { try open($0, name: name) }
            return try await replace(value).map { try seal($0, name: name) }
        }
        return try sealed.map { try open($0, name: name) }
    }

    private func seal(_ value: Data, name: String) throws -> Data {
        let box = try AES.GCM.seal(value, using: key.symmetricKey, authenticating: Data(name.utf8))
        // A 12-byte nonce (the default) always has a combined form.
        guard let combined = box.combined else { throw SecretUnreadable(name: name) }
        return combined
    }

    private func open(_ sealed: Data, name: String) throws -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key.symmetricKey, authenticating: Data(name.utf8))
        } catch {
            throw SecretUnreadable(name: name)
        }
    }
}
