public import Logging
public import NIOCore
import NIOExtras
public import NIOPosix
import Synchronization
public import Varlink

/// Serves a `VarlinkService` on sockets: unix, abstract, TCP, or sockets inherited through activation; or one
/// connection over a pair of pipes (bridge mode).
///
/// Each connection is served on its event loop by a ``VarlinkServerHandler``: its calls are answered one at a
/// time, in order. `run` returns when the server is shut down (`shutdown()`, or the idle timeout with no
/// connection open) and its last connection has closed.
public final class VarlinkServer: Sendable {
    /// Server settings.
    public struct Configuration: Sendable {
        /// The largest message accepted; a longer one closes its connection. Default 16 MiB.
        public var maximumMessageSize: Int = 16 << 20
        /// The largest message accepted from a peer the service refuses (it gets only `PermissionDenied`).
        /// Default 64 KiB.
        public var refusedMessageSize: Int = 64 << 10
        /// Calls a connection may send ahead of the one running before the server stops reading from it.
        public var queuedCallsPerConnection: Int = 128
        /// Connections one user (one uid) may have open at once; past it a new one is closed at once. Bridge
        /// connections have no peer and are not counted.
        public var maximumConnectionsPerPeer: Int = 1024
        /// Connections the kernel may hold waiting to be accepted (the listen backlog).
        public var backlog: Int32 = 4096
        /// Exit after this many seconds without any open connection; nil never.
        public var idleTimeout: Duration?
        /// How long calls in flight may run after a shutdown begins before their connections are closed.
        public var shutdownGracePeriod: Duration = .seconds(10)
        /// Told when the server is ready (every listener accepts) and when it begins to shut down: for a service
        /// manager's notifications.
        public var lifecycle: (@Sendable (LifecycleEvent) -> Void)?

        /// Default settings.
        public init() {}
    }

    /// A change in the server's life.
    public enum LifecycleEvent: Sendable, Hashable {
        /// Every listener accepts connections.
        case ready
        /// A shutdown began.
        case stopping
    }

    /// The service answered.
    public let service: VarlinkService
    /// The settings.
    public let configuration: Configuration
    let logger: Logger
    let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var quiescers: [ServerQuiescingHelper] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
        var stopped: EventLoopPromise<Void>?
        var idleSince: ContinuousClock.Instant = .now
        var acceptedTotal = 0
        /// Open connections by the uid of their peer (an unidentified peer's is `UInt32.max`).
        var perPeer: [UInt32: Int] = [:]
    }

    /// Creates a server for `service`.
    public init(
        service: VarlinkService, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "varlink.server"),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
        self.group = group
    }

    /// Connections accepted since the server started.
    public var acceptedConnections: Int { state.withLock { $0.acceptedTotal } }
    /// Connections open now.
    public var openConnections: Int { state.withLock { $0.connections.count } }

    private var limits: VarlinkServerHandler.Limits {
        .init(
            maximumMessageSize: configuration.maximumMessageSize,
            refusedMessageSize: configuration.refusedMessageSize,
            queuedCalls: configuration.queuedCallsPerConnection)
    }

    /// Sets up a connection's pipeline: framing, then the handler that answers it.
    private func initialize(_ channel: any Channel, identifiesPeer: Bool) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let framing = FramingState(maximumMessageSize: configuration.maximumMessageSize)
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder(state: framing)))
            try operations.addHandler(handler(for: channel, framing: framing, identifiesPeer: identifiesPeer))
            let key = ObjectIdentifier(channel)
            state.withLock { state in
                state.connections[key] = channel
                state.acceptedTotal += 1
            }
            channel.closeFuture.whenComplete { _ in
                self.state.withLock { state in
                    state.connections[key] = nil
                    if state.connections.isEmpty { state.idleSince = .now }
                }
            }
        }
    }

    private func handler(
        for channel: any Channel, framing: FramingState, identifiesPeer: Bool
    ) -> VarlinkServerHandler {
        var admit: (@Sendable (VarlinkPeer) -> Bool)?
        if identifiesPeer {
            admit = { peer in self.admitConnection(of: peer, on: channel) }
        }
        return VarlinkServerHandler(
            service: service, logger: logger, limits: limits, framing: framing, identifiesPeer: identifiesPeer,
            eventLoop: channel.eventLoop, admit: admit)
    }

    /// Counts a connection against its peer's limit; false (the connection is then closed) past the limit.
    private func admitConnection(of peer: VarlinkPeer, on channel: any Channel) -> Bool {
        let uid = peer.uid
        let admitted = state.withLock { state -> Bool in
            let open = state.perPeer[uid, default: 0]
            guard open < configuration.maximumConnectionsPerPeer else { return false }
            state.perPeer[uid] = open + 1
            return true
        }
        guard admitted else {
            logger.notice("refusing a connection of uid \(uid): it has \(configuration.maximumConnectionsPerPeer) open")
            return false
        }
        channel.closeFuture.whenComplete { _ in
            self.state.withLock { state in
                let open = state.perPeer[uid, default: 1] - 1
                state.perPeer[uid] = open > 0 ? open : nil
            }
        }
        return true
    }

    /// Binds every listener and serves until shut down. Calls `onReady` once all listeners accept.
    public func run(on listeners: [VarlinkListener], onReady: @Sendable () -> Void = {}) async throws {
        var quiescers: [ServerQuiescingHelper] = []
        do {
            for listener in listeners {
                let quiesce = ServerQuiescingHelper(group: group)
                let bootstrap = ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: configuration.backlog)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .serverChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                quiesce.makeServerChannelHandler(channel: channel))
                        }
                    }
                    // A peer that half-closes (ends its input to an upgraded stream, or stops sending calls)
                    // still gets what is due to it.
                    .childChannelOption(.allowRemoteHalfClosure, value: true)
                    .childChannelInitializer { self.initialize($0, identifiesPeer: true) }
                if let fd = try listener.makeDescriptor(backlog: configuration.backlog) {
                    _ = try await bootstrap.withBoundSocket(fd).get()
                } else if case .address(.tcp(let host, let port)) = listener {
                    _ = try await bootstrap.bind(host: host, port: port).get()
                }
                quiescers.append(quiesce)
                logger.info("listening on \(listener)")
            }
        } catch {
            for quiesce in quiescers { quiesce.initiateShutdown(promise: nil) }
            throw error
        }
        let stopped = group.next().makePromise(of: Void.self)
        let shutDownEarly = state.withLock { state -> Bool in
            state.quiescers = quiescers
            state.stopped = stopped
            state.idleSince = .now
            return state.shuttingDown
        }
        configuration.lifecycle?(.ready)
        onReady()
        if shutDownEarly { beginShutdown() }
        let idle = configuration.idleTimeout.map { timeout in Task { await self.watchIdle(timeout: timeout) } }
        defer { idle?.cancel() }
        try? await stopped.futureResult.get()
    }

    /// Serves one connection over a pair of file descriptors (standard input and output in bridge mode) and
    /// returns when it ends.
    public func runBridge(input: Int32 = 0, output: Int32 = 1) async throws {
        let channel = try await NIOPipeBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { self.initialize($0, identifiesPeer: false) }
            .takingOwnershipOfDescriptors(input: input, output: output).get()
        try? await channel.closeFuture.get()
    }

    /// Begins a graceful shutdown: stops accepting, lets calls in flight finish (within the grace period), then
    /// `run` returns.
    public func shutdown() {
        let started = state.withLock { state -> Bool in
            defer { state.shuttingDown = true }
            return !state.shuttingDown
        }
        guard started else { return }
        configuration.lifecycle?(.stopping)
        beginShutdown()
    }

    /// Closes the listeners and tells every connection to close once its calls are answered; after the grace
    /// period, closes those still open.
    private func beginShutdown() {
        let (quiescers, stopped) = state.withLock { ($0.quiescers, $0.stopped) }
        guard let stopped else { return }
        let eventLoop = stopped.futureResult.eventLoop
        let done = quiescers.map { quiesce in
            let promise = eventLoop.makePromise(of: Void.self)
            quiesce.initiateShutdown(promise: promise)
            return promise.futureResult
        }
        let grace = eventLoop.scheduleTask(in: .init(configuration.shutdownGracePeriod)) {
            self.closeAllConnections()
        }
        EventLoopFuture.andAllComplete(done, on: eventLoop).whenComplete { _ in
            grace.cancel()
            stopped.succeed()
        }
    }

    private func closeAllConnections() {
        let channels = state.withLock { Array($0.connections.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    private func watchIdle(timeout: Duration) async {
        while !Task.isCancelled {
            let (idle, since, down) = state.withLock { ($0.connections.isEmpty, $0.idleSince, $0.shuttingDown) }
            if down { return }
            if idle && ContinuousClock.now - since >= timeout {
                logger.info("idle for \(timeout), exiting")
                shutdown()
                return
            }
            let wait = idle ? max(timeout - (ContinuousClock.now - since), .milliseconds(10)) : timeout
            try? await Task.sleep(for: wait)
        }
    }
}
