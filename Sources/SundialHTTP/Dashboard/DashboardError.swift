import Foundation
import Hummingbird
import SundialEngine

/// A refusal of a dashboard page or form: its status, a sentence for the person at the browser,
/// and the fields at fault. Exists so the dashboard answers bad input, forbidden actions and the
/// engine's refusals with an HTML page of the right 4xx status, where the JSON API answers JSON.
struct DashboardError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String
    var fields: [String: String] = [:]

    init(_ status: HTTPResponse.Status, _ message: String, fields: [String: String] = [:]) {
        self.status = status
        self.message = message
        self.fields = fields
    }

    /// Any error a page met, as the dashboard shows it: the JSON API's own mapping of engine
    /// refusals (404, 409 with the reason, 422 naming fields) keeps both surfaces in agreement.
    static func from(_ error: any Error) -> DashboardError {
        if let error = error as? DashboardError { return error }
        switch AdminRoutes.apiError(error) {
        case let api as APIError:
            var message = api.message
            if let reason = api.details["reason"], !message.contains(reason) { message += " (\(reason))" }
            return DashboardError(api.status, message, fields: api.fields ?? [:])
        default:
            return DashboardError(.internalServerError, "Something went wrong on the server; the error is in the server's log.")
        }
    }

    var title: String {
        switch status.code {
        case 400: "Bad request"
        case 403: "Not allowed"
        case 404: "Not found"
        case 409: "Not possible now"
        case 413: "Too large"
        case 415: "Not a form"
        case 422: "Check the form"
        default: status.code >= 500 ? "Server error" : "Refused"
        }
    }
}
