import Logging
import NIOCore
import Synchronization

/// The cap on connections served at once (`SUNDIAL_HTTP_MAX_CONNECTIONS`). Hummingbird's own
/// `MaximumAvailableConnections` stops accepting at its cap, which leaves new clients queued in
/// the kernel's backlog (and, once that fills, refuses everyone alike); this cap keeps accepting
/// and closes a connection over it at once, so a flood is turned away quickly while the clients
/// already inside keep being served.
final class ConnectionCap: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Admits `channel` when there is room (it leaves the count when it closes); false when the
    /// cap is reached.
    func admit(_ channel: any Channel) -> Bool {
        guard open.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            open.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        channel.closeFuture.whenComplete { [self] _ in open.wrappingSubtract(1, ordering: .relaxed) }
        return true
    }
}

/// Closes a connection the cap did not admit as soon as it is active, before it can send a
/// request, and drops anything that arrives meanwhile.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let logger: Logger
    private var refused = false

    init(logger: Logger) {
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        guard !refused else { return }
        refused = true
        ConnectionClosure.overCapacity.record(context.channel, logger: logger)
        context.close(promise: nil)
    }
}
