import Foundation

/// One `host:port` of a database URL.
public struct DatabaseEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// True for `127.0.0.1`, `::1`, `localhost` and the rest of 127/8: a link that crosses no network.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A connection URL as libpq reads it:
/// `postgres://user[:password]@host[:port][,host[:port]…]/database[?name=value&…]`. Exists because
/// `URLComponents` cannot read the several hosts of a failover URL (the libpq convention for a
/// primary and its standbys).
struct DatabaseURL: Equatable {
    var username: String
    var password: String?
    var endpoints: [DatabaseEndpoint]
    var database: String
    /// Query parameters (`sslmode`, `sslrootcert`, `target_session_attrs`, …), percent-decoded.
    var parameters: [String: String]

    static let setting = "DATABASE_URL"

    init(_ text: String) throws {
        func refuse(_ problem: String) -> ConfigurationError { ConfigurationError(setting: Self.setting, problem: problem) }
        let expected = "expected postgres://user[:password]@host[:port][,host2[:port]]/database[?sslmode=…]"
        guard let schemeEnd = text.range(of: "://") else { throw refuse(expected) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "postgres" || scheme == "postgresql" else { throw refuse(expected) }
        var rest = text[schemeEnd.upperBound...]
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        let authority: Substring
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = String(rest[rest.index(after: slash)...])
        } else {
            authority = rest
        }
        guard let at = authority.lastIndex(of: "@") else { throw refuse("the URL names no user") }
        let userInfo = authority[..<at]
        let hostList = authority[authority.index(after: at)...]
        let userParts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let user = Self.decode(userParts[0])
        guard !user.isEmpty else { throw refuse("the URL names no user") }
        username = user
        password = userParts.count > 1 ? Self.decode(userParts[1]) : nil
        database = Self.decode(Substring(path))
        guard !database.isEmpty else { throw refuse("the URL names no database") }
        endpoints = try hostList.split(separator: ",", omittingEmptySubsequences: false).map { try Self.endpoint($0) }
        guard !endpoints.isEmpty else { throw refuse("the URL names no host") }
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters[Self.decode(parts[0])] = parts.count > 1 ? Self.decode(parts[1]) : ""
        }
        self.parameters = parameters
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; the port defaults to 5432.
    private static func endpoint(_ text: Substring) throws -> DatabaseEndpoint {
        func refuse(_ problem: String) -> ConfigurationError { ConfigurationError(setting: setting, problem: problem) }
        var host = Substring("")
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw refuse("unclosed '[' in host '\(text)'") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw refuse("cannot read host '\(text)'") }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw refuse("the URL names an empty host") }
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw refuse("'\(portText)' is not a port") }
            port = value
        }
        return DatabaseEndpoint(host: decode(host), port: port)
    }

    private static func decode(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }
}
