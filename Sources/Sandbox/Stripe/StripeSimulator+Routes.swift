import Hummingbird

/// The Stripe wire protocol over `StripeSimulator`: Bearer (or Basic) secret-key auth,
/// form-encoded bodies, `Idempotency-Key` claim/replay, `Request-Id` headers and the JSON error
/// shape. Mounted under `/stripe`, so a client's base URL is `http://127.0.0.1:PORT/stripe`.
extension StripeSimulator {
    func addRoutes(to group: RouterGroup<SandboxRequestContext>, secretKeys: Set<String>) {
        group.post("v1/payment_intents") { request, context in
            try await self.serve(request, context, secretKeys, endpoint: "/v1/payment_intents") { params, info in
                try self.createPaymentIntent(params, info)
            }
        }
        group.get("v1/payment_intents/search") { request, context in
            try await self.serve(request, context, secretKeys, endpoint: "/v1/payment_intents/search") { params, _ in
                try self.searchPaymentIntents(params)
            }
        }
        group.get("v1/payment_intents/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(request, context, secretKeys, endpoint: "/v1/payment_intents/\(id)") { _, _ in
                try self.retrievePaymentIntent(id)
            }
        }
        group.post("v1/payment_intents/:id/confirm") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(request, context, secretKeys, endpoint: "/v1/payment_intents/\(id)/confirm") { params, info in
                try self.confirmPaymentIntent(id, params, info)
            }
        }
        group.post("v1/payment_intents/:id/capture") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(request, context, secretKeys, endpoint: "/v1/payment_intents/\(id)/capture") { params, info in
                try self.capturePaymentIntent(id, params, info)
            }
        }
        group.post("v1/payment_intents/:id/cancel") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(request, context, secretKeys, endpoint: "/v1/payment_intents/\(id)/cancel") { params, info in
                try self.cancelPaymentIntent(id, params, info)
            }
        }
        group.post("v1/refunds") { request, context in
            try await self.serve(request, context, secretKeys, endpoint: "/v1/refunds") { params, info in
                try self.createRefund(params, info)
            }
        }
        group.get("v1/refunds/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(request, context, secretKeys, endpoint: "/v1/refunds/\(id)") { _, _ in
                try self.retrieveRefund(id)
            }
        }
        group.get("v1/events") { request, context in
            try await self.serve(request, context, secretKeys, endpoint: "/v1/events") { params, _ in
                try self.listEvents(params)
            }
        }
        group.get("v1/events/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return try await self.serve(request, context, secretKeys, endpoint: "/v1/events/\(id)") { _, _ in
                try self.retrieveEvent(id)
            }
        }
        for method in [HTTPRequest.Method.get, .post, .delete, .put, .patch] {
            group.on("**", method: method) { request, _ in
                let path = String(request.uri.path.dropFirst(SandboxAPI.stripe.pathPrefix.count))
                return StripeError(
                    status: .notFound,
                    type: "invalid_request_error",
                    message: "Unrecognized request URL (\(request.method.rawValue): \(path)). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
                ).response(requestID: StripeIDs.requestID())
            }
        }
    }

    /// Authenticates, parses the form body (or query for GET), runs `operation` under the
    /// idempotency rules, and renders its JSON or error.
    private func serve(
        _ request: Request,
        _ context: SandboxRequestContext,
        _ secretKeys: Set<String>,
        endpoint: String,
        operation: (FormFields, RequestInfo) throws -> JSONValue
    ) async throws -> Response {
        var request = request
        var context = context
        let requestID = StripeIDs.requestID()
        let account: String
        switch Self.authenticate(request, secretKeys: secretKeys) {
        case .success(let key): account = key
        case .failure(let error): return error.response(requestID: requestID)
        }
        let params: FormFields
        if request.method == .get {
            params = request.queryFields
        } else {
            params = FormFields(bytes: try await request.bodyBytes())
        }
        let info = RequestInfo(
            requestID: requestID,
            idempotencyKey: request.method == .post && !ignoresIdempotencyKeys ? request.header("Idempotency-Key") : nil,
            apiVersion: request.header("Stripe-Version")
        )
        if let key = info.idempotencyKey {
            guard key.count <= 255, !key.isEmpty else {
                return StripeError.invalid("Idempotency-Key", "Invalid Idempotency-Key: must be between 1 and 255 characters.").response(requestID: requestID)
            }
            switch claim(key: key, account: account, endpoint: endpoint, fingerprint: params.fingerprint) {
            case .proceed:
                break
            case .replay(let saved):
                return .json(saved.body, status: saved.status, headers: ["Request-Id": requestID, "Idempotent-Replayed": "true", "Original-Request": saved.requestID])
            case .reject(let error):
                return error.response(requestID: requestID)
            }
        }
        await context.applyProcessingDelay()
        let status: HTTPResponse.Status
        let body: JSONValue
        var save = true
        do {
            body = try operation(params, info)
            status = .ok
        } catch let error as StripeError {
            body = error.body
            status = error.status
            save = !error.isValidationFailure
        }
        if let key = info.idempotencyKey {
            finish(key: key, account: account, saving: save ? SavedResponse(status: status, body: body, requestID: requestID) : nil)
        }
        var headers = ["Request-Id": requestID]
        if let key = info.idempotencyKey { headers["Idempotency-Key"] = key }
        return .json(body, status: status, headers: headers)
    }

    /// Accepts `Authorization: Bearer sk_test_…` or Basic with the key as user name.
    private static func authenticate(_ request: Request, secretKeys: Set<String>) -> Result<String, StripeError> {
        let key = request.bearerToken ?? request.basicCredentials?.user
        guard let key, !key.isEmpty else {
            return .failure(
                StripeError(
                    status: .unauthorized,
                    type: "invalid_request_error",
                    message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."
                )
            )
        }
        let accepted = secretKeys.isEmpty ? (key.hasPrefix("sk_test_") || key.hasPrefix("rk_test_")) && key.count > 8 : secretKeys.contains(key)
        guard accepted else {
            return .failure(
                StripeError(status: .unauthorized, type: "invalid_request_error", message: "Invalid API Key provided: \(key.prefix(8))****\(key.suffix(4))")
            )
        }
        return .success(key)
    }
}
