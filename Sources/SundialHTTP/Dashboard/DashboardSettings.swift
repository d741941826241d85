import Foundation
import SundialEngine

/// How long a dashboard login lasts and how its cookie travels, read by `sundial serve`:
/// `SUNDIAL_DASHBOARD_SESSION_SECONDS` (12 hours, a working day), `SUNDIAL_DASHBOARD_IDLE_SECONDS`
/// (30 minutes without a page ends the session) and `SUNDIAL_DASHBOARD_INSECURE_COOKIE`.
public struct DashboardSettings: Sendable, Equatable {
    /// A session ends this long after its login, whatever happens.
    public var sessionLifetime: Duration
    /// A session ends after this long without a dashboard request (give or take
    /// ``SundialEngine/WorkflowStore/lastSeenResolution``: a request refreshes the session at
    /// most once a minute).
    public var idleTimeout: Duration
    /// Leave the cookie's `Secure` flag off on a plain-HTTP server, for a dashboard reached as
    /// `http://127.0.0.1` (demos, the browser test). With TLS the cookie is always `Secure`.
    public var insecureCookie: Bool

    public static let defaultSessionLifetime = Duration.seconds(12 * 60 * 60)
    public static let defaultIdleTimeout = Duration.seconds(30 * 60)

    public init(sessionLifetime: Duration = defaultSessionLifetime, idleTimeout: Duration = defaultIdleTimeout, insecureCookie: Bool = false) {
        self.sessionLifetime = sessionLifetime
        self.idleTimeout = idleTimeout
        self.insecureCookie = insecureCookie
    }

    /// Whether cookies carry `Secure`: always, unless the server is plain HTTP and
    /// ``insecureCookie`` is set.
    public func secureCookies(tls: Bool) -> Bool { tls || !insecureCookie }

    public static func fromEnvironment(_ reader: EnvironmentReader = EnvironmentReader()) throws -> DashboardSettings {
        let insecure: Bool
        switch reader.string("SUNDIAL_DASHBOARD_INSECURE_COOKIE")?.lowercased() {
        case nil, "0", "false", "no": insecure = false
        case "1", "true", "yes": insecure = true
        case let other?:
            throw ConfigurationError(setting: "SUNDIAL_DASHBOARD_INSECURE_COOKIE", problem: "expected 1 or 0, got '\(other)'")
        }
        return DashboardSettings(
            sessionLifetime: try reader.seconds("SUNDIAL_DASHBOARD_SESSION_SECONDS", default: defaultSessionLifetime, range: 300...604_800),
            idleTimeout: try reader.seconds("SUNDIAL_DASHBOARD_IDLE_SECONDS", default: defaultIdleTimeout, range: 120...86_400),
            insecureCookie: insecure)
    }
}
