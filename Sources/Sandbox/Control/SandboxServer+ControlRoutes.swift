import Foundation
import Hummingbird

/// The `/sandbox` control API, for tests in other processes and for demos: read and change faults,
/// read the side-effect ledger, reset, expire tokens, move parcels, read the tracking and Stripe
/// webhooks sent and the shop deliveries received.
extension SandboxServer {
    func addControlRoutes(to group: RouterGroup<SandboxRequestContext>) {
        group.get("health") { _, _ in Response.json(["status": "ok"]) }
        group.get("faults") { _, _ in self.faultsResponse() }
        group.post("faults") { request, _ in
            var request = request
            return self.applyFaults(try await request.bodyBytes())
        }
        group.get("effects") { _, _ in try Self.encoded(self.ledger.snapshot()) }
        group.post("reset") { _, _ in
            self.reset()
            return Response.json(["reset": true])
        }
        group.post("tokens/expire") { _, _ in
            self.expireAllTokens()
            return Response.json(["expired": true])
        }
        group.post("tracking/:trackingNumber") { request, context in
            var request = request
            let number = context.parameters.get("trackingNumber") ?? ""
            guard let body = try? JSONValue.parse(try await request.bodyBytes()),
                let name = body["status"]?.stringValue, let status = TrackingStatus(rawValue: name)
            else {
                let allowed = TrackingStatus.allCases.map(\.rawValue).joined(separator: ", ")
                return Response.json(["error": .string("body must be {\"status\": one of \(allowed)}")], status: .badRequest)
            }
            guard self.setTrackingStatus(status, trackingNumber: number) else {
                return Response.json(["error": .string("unknown tracking number \(number)")], status: .notFound)
            }
            return Response.json(["trackingNumber": .string(number), "status": .string(status.rawValue)])
        }
        group.get("tracking/events") { _, _ in try Self.encoded(self.trackingWebhookDeliveries()) }
        group.get("shop/deliveries") { _, _ in try Self.encoded(self.shopDeliveries()) }
        group.get("stripe/webhooks") { _, _ in try Self.encoded(self.stripeWebhookDeliveries()) }
        group.get("klaviyo/profiles") { _, _ in try Self.encoded(self.marketingProfiles()) }
        group.get("klaviyo/jobs") { _, _ in try Self.encoded(self.profileImportJobs()) }
    }

    /// `{"stripe": {…settings…}, "fedex": {…}, …}` for every API.
    private func faultsResponse() -> Response {
        var body: [String: JSONValue] = [:]
        for (api, settings) in faults.allSettings() {
            body[api.rawValue] = (try? JSONValue.parse(Array(JSONEncoder().encode(settings)))) ?? .null
        }
        return .json(.object(body))
    }

    /// Accepts `{"<api>": {settings}, …}`; each API named is replaced (omitted fields take their
    /// defaults), others are untouched. `"seed": n` reseeds the generator, `"clear": true` first
    /// removes every fault.
    private func applyFaults(_ bytes: [UInt8]) -> Response {
        guard let json = try? JSONValue.parse(bytes), let fields = json.objectValue else {
            return .json(["error": "body must be a JSON object keyed by API name"], status: .badRequest)
        }
        var updates: [(SandboxAPI, FaultSettings)] = []
        var errors: [JSONValue] = []
        for (key, value) in fields where key != "seed" && key != "clear" {
            guard let api = SandboxAPI(rawValue: key) else {
                errors.append(.string("unknown API \(key); expected one of \(SandboxAPI.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            do {
                let settings = try JSONDecoder().decode(FaultSettings.self, from: Data(value.serialized()))
                let problems = settings.validationErrors
                if problems.isEmpty { updates.append((api, settings)) } else { errors += problems.map { .string("\(key): \($0)") } }
            } catch {
                errors.append(.string("\(key): \(error)"))
            }
        }
        var seed: UInt64?
        if let seedValue = fields["seed"] {
            guard case .int(let value) = seedValue, value >= 0 else { return .json(["error": "seed must be a non-negative integer"], status: .badRequest) }
            seed = UInt64(value)
        }
        guard errors.isEmpty else { return .json(["errors": .array(errors)], status: .badRequest) }
        if fields["clear"]?.boolValue == true { faults.clearAll() }
        for (api, settings) in updates { faults.set(settings, for: api) }
        if let seed { faults.reseed(seed) }
        return faultsResponse()
    }

    private static func encoded(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return .bytes(Array(try encoder.encode(value)), contentType: "application/json")
    }
}
