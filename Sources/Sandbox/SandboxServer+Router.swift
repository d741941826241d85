import Hummingbird

/// Mounts every simulator under its prefix, each behind the fault middleware of its API
/// (USPS also behind its hourly quota). The `/sandbox` control routes get no faults.
extension SandboxServer {
    func makeRouter() -> Router<SandboxRequestContext> {
        let router = Router(context: SandboxRequestContext.self)
        let clock = configuration.clock
        func group(_ api: SandboxAPI) -> RouterGroup<SandboxRequestContext> {
            router.group(RouterPath(api.rawValue)).add(middleware: FaultMiddleware(api: api, injector: faults, clock: clock))
        }
        addControlRoutes(to: router.group("sandbox"))
        stripe.addRoutes(to: group(.stripe), secretKeys: configuration.stripe.secretKeys)
        FedExSimulator(configuration: configuration.fedex, tokens: tokens, labels: labels, ledger: ledger, clock: clock).addRoutes(to: group(.fedex))
        UPSSimulator(configuration: configuration.ups, tokens: tokens, labels: labels, ledger: ledger, clock: clock).addRoutes(to: group(.ups))
        usps.addRoutes(to: group(.usps).add(middleware: USPSQuotaMiddleware(quota: usps.quota)))
        quickBooks.addRoutes(to: group(.quickbooks))
        shop.addRoutes(to: group(.shop))
        klaviyo.addRoutes(to: group(.klaviyo))
        return router
    }
}
