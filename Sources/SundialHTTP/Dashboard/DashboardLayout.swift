import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SundialEngine

/// The page shell every dashboard page shares: title, navigation, who is logged in with which
/// role, the logout form, and the headers that keep the pages out of caches and frames and allow
/// no script at all (`Content-Security-Policy: default-src 'none'`). Exists so each page only
/// writes its own content.
enum DashboardLayout {
    enum Section: String { case overview, workflows, finance, audit, none }

    static func page(_ title: String, session: DashboardSession?, section: Section = .none, status: HTTPResponse.Status = .ok,
                     notice: HTML = .empty, _ content: HTML) -> Response {
        var nav: HTML = .empty
        if let session {
            let links: [(Section, String, String)] = [
                (.overview, "/admin", "Overview"), (.workflows, "/admin/workflows", "Workflows"),
                (.finance, "/admin/finance", "Finance"), (.audit, "/admin/audit", "Audit"),
            ]
            let anchors = links.map { item -> HTML in
                item.0 == section ? "<a class=\"active\" href=\"\(item.1)\" aria-current=\"page\">\(item.2)</a>" : "<a href=\"\(item.1)\">\(item.2)</a>"
            }
            nav = """
                <nav>\(anchors)</nav>
                <div class="who">\(session.principal.name) · <span class="role">\(session.principal.role.rawValue)</span>
                <form method="post" action="/admin/logout" class="inline">\(csrfField(session))<button type="submit" class="link">Log out</button></form></div>
                """
        }
        let document: HTML = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Sundial</title><link rel="stylesheet" href="/admin/dashboard.css"></head>
            <body>
            <header><a class="brand" href="/admin">☀ Sundial</a>\(nav)</header>
            <main>
            <h1>\(title)</h1>
            \(notice)
            \(content)
            </main>
            </body>
            </html>
            """
        return html(document, status: status)
    }

    /// The hidden CSRF field every POST form of a session carries.
    static func csrfField(_ session: DashboardSession) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">"
    }

    static func html(_ document: HTML, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: document.text)))
    }

    /// 303 See Other to `location` (after a form, or to the login page).
    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    /// The page for a refusal: its status, its sentence, the fields at fault.
    static func error(_ error: DashboardError, session: DashboardSession?, back: String? = nil) -> Response {
        var fields: HTML = .empty
        if !error.fields.isEmpty {
            fields = "<ul class=\"fields\">\(error.fields.sorted { $0.key < $1.key }.map { name, problem -> HTML in "<li><code>\(name)</code>: \(problem)</li>" })</ul>"
        }
        let link: HTML
        if let back {
            link = "<p><a href=\"\(back)\">Back</a></p>"
        } else {
            link = session == nil ? "<p><a href=\"/admin/login\">Log in</a></p>" : "<p><a href=\"/admin\">Overview</a></p>"
        }
        return page(error.title, session: session, status: error.status,
                    "<div class=\"notice error\" role=\"alert\"><p>\(error.message)</p>\(fields)</div>\(link)")
    }

    // MARK: Formatting

    static func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601)
    }

    /// A duration for people: 42 s, 7 min, 3 h 5 min, 2 d 4 h.
    static func age(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86400 { return "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86400) d \(s % 86400 / 3600) h"
    }

    static func statusBadge(_ status: String) -> HTML {
        "<span class=\"status s-\(status)\">\(status)</span>"
    }

    static func id(_ id: UUID) -> String { id.uuidString.lowercased() }

    /// Stored JSON pretty-printed for reading (as stored when it does not parse).
    static func prettyJSON(_ text: String?) -> String {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]),
              let pretty = String(data: data, encoding: .utf8) else { return text ?? "" }
        return pretty
    }

    /// `text` cut to `limit` characters with an ellipsis.
    static func short(_ text: String?, _ limit: Int = 80) -> String {
        guard let text else { return "" }
        return text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// A query string from pairs, percent-encoded as forms are.
    static func query(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
    }
}
