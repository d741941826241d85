import Foundation
import Synchronization

/// Who and which call a request is, for its access-log line: the request id (the caller's
/// `X-Request-Id` or a generated one) and the authenticated caller, which only the route learns
/// (after verifying a token). The log middleware binds one per request as a task-local; the
/// authentication code records the caller in it. Never holds the token itself.
public final class RequestIdentity: Sendable {
    public let requestID: String
    private let caller = Mutex<String?>(nil)

    @TaskLocal public static var current: RequestIdentity?

    public init(requestID: String) {
        self.requestID = requestID
    }

    /// The authenticated client id or token name, as the access log shows it.
    public var who: String? { caller.withLock { $0 } }

    /// Records the authenticated caller of the current request, if a request is being served.
    public static func record(caller name: String) {
        current?.caller.withLock { $0 = name }
    }

    /// A caller's id is kept when it is 1 to 128 characters of letters, digits and `-_.:`
    /// (so a log line cannot be forged through it); otherwise a new UUID is used.
    public static func requestID(fromHeader value: String?) -> String {
        if let value, (1...128).contains(value.utf8.count),
           value.utf8.allSatisfy({ byte in
               (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                   || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
           }) {
            return value
        }
        return UUID().uuidString.lowercased()
    }
}
