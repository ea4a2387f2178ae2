import CVarlink
import Dispatch
public import Logging
public import NIOCore
public import NIOPosix
import Synchronization

/// Serves a `VarlinkService` on sockets: unix, abstract, TCP, or sockets inherited through activation; or one
/// connection over a pair of pipes (bridge mode).
///
/// Each connection is served by its own task; its calls are handled one at a time, in order. `run` returns when
/// the server is shut down (`shutdown()`, or the idle timeout with no connection open).
public final class VarlinkServer: Sendable {
    /// Server settings.
    public struct Configuration: Sendable {
        /// The largest message accepted; a longer one closes its connection. Default 16 MiB.
        public var maximumMessageSize: Int = 16 << 20
        /// Exit after this many seconds without any open connection; nil never.
        public var idleTimeout: Duration?
        /// How long calls in flight may run after a shutdown begins before their connections are closed.
        public var shutdownGracePeriod: Duration = .seconds(10)

        /// Default settings.
        public init() {}
    }

    /// The service answered.
    public let service: VarlinkService
    /// The settings.
    public let configuration: Configuration
    let logger: Logger
    let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var servers: [any Channel] = []
        var connections: [ObjectIdentifier: Connection] = [:]
        var shuttingDown = false
        var idleSince: ContinuousClock.Instant = .now
        var acceptedTotal = 0
        /// Accepted connections not yet registered by their task (they count as open for the idle timeout).
        var pending = 0
        /// Connections made but not served yet. An async channel must be finished, never just dropped (NIO traps
        /// on that): one the listener made as it was closing never reaches `serve`, and is closed at the end.
        var unserved: [ObjectIdentifier: Accepted] = [:]
        var accept: AsyncStream<Accepted>.Continuation?
    }

    private struct Connection {
        var channel: any Channel
        var busy: Bool
    }

    typealias Accepted = NIOAsyncChannel<[[UInt8]], ByteBuffer>

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

    private func childInitializer(_ channel: any Channel) -> EventLoopFuture<Accepted> {
        let maximum = configuration.maximumMessageSize
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(VarlinkFrameHandler(maximumMessageSize: maximum))
            let accepted = try Accepted(wrappingChannelSynchronously: channel)
            self.state.withLock { $0.unserved[ObjectIdentifier(channel)] = accepted }
            return accepted
        }
    }

    /// Binds every listener and serves until shut down. Calls `onReady` once all listeners accept.
    public func run(on listeners: [VarlinkListener], onReady: @Sendable () -> Void = {}) async throws {
        var servers: [NIOAsyncChannel<Accepted, Never>] = []
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A peer that half-closes (ends its input to an upgraded stream, or stops sending calls) still gets
            // what is due to it.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        for listener in listeners {
            if let fd = try listener.makeDescriptor() {
                servers.append(try await bootstrap.bind(fd) { self.childInitializer($0) })
            } else if case .address(.tcp(let host, let port)) = listener {
                servers.append(try await bootstrap.bind(host: host, port: port) { self.childInitializer($0) })
            }
            logger.info("listening on \(listener)")
        }
        let (accepted, continuation) = AsyncStream<Accepted>.makeStream()
        let startNow = state.withLock { state -> Bool in
            state.servers = servers.map(\.channel)
            state.accept = continuation
            state.idleSince = .now
            return !state.shuttingDown
        }
        if !startNow { continuation.finish() }
        _ = cvarlink_notify("READY=1")
        onReady()
        await withDiscardingTaskGroup { group in
            for server in servers {
                group.addTask {
                    do {
                        try await server.executeThenClose { inbound in
                            for try await connection in inbound {
                                self.state.withLock { $0.pending += 1 }
                                if case .terminated = continuation.yield(connection) {
                                    self.state.withLock { state in
                                        state.pending -= 1
                                        state.unserved[ObjectIdentifier(connection.channel)] = nil
                                    }
                                    // Shutting down: close it properly (an async channel must be finished).
                                    try? await connection.executeThenClose { _, _ in }
                                }
                            }
                        }
                    } catch {
                        self.logger.debug("listener ended: \(error)")
                    }
                }
            }
            if let timeout = configuration.idleTimeout {
                group.addTask { await self.watchIdle(timeout: timeout) }
            }
            var grace: Task<Void, Never>?
            await withDiscardingTaskGroup { connections in
                for await connection in accepted {
                    connections.addTask { await self.serve(connection) }
                }
                // Shutting down: the listeners are closed; calls in flight get the grace period, then their
                // connections are closed. The group returns when the last connection has ended.
                grace = Task {
                    try? await Task.sleep(for: self.configuration.shutdownGracePeriod)
                    if !Task.isCancelled { self.closeAllConnections() }
                }
            }
            grace?.cancel()
            group.cancelAll()
        }
        let unserved = state.withLock { state in
            defer { state.unserved = [:] }
            return Array(state.unserved.values)
        }
        for connection in unserved { try? await connection.executeThenClose { _, _ in } }
    }

    /// Serves one connection over a pair of file descriptors (standard input and output in bridge mode) and
    /// returns when it ends.
    public func runBridge(input: Int32 = 0, output: Int32 = 1) async throws {
        let maximum = configuration.maximumMessageSize
        let connection = try await NIOPipeBootstrap(group: group)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .takingOwnershipOfDescriptors(input: input, output: output) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(VarlinkFrameHandler(maximumMessageSize: maximum))
                    return try Accepted(wrappingChannelSynchronously: channel)
                }
            }
        state.withLock { $0.pending += 1 }
        await serve(connection, peer: nil)
    }

    /// Begins a graceful shutdown: stops accepting, lets calls in flight finish (within the grace period), then
    /// `run` returns.
    public func shutdown() {
        _ = cvarlink_notify("STOPPING=1")
        let (servers, idle, accept) = state.withLock { state in
            state.shuttingDown = true
            let idle = state.connections.values.filter { !$0.busy }.map(\.channel)
            defer { state.accept = nil }
            return (state.servers, idle, state.accept)
        }
        accept?.finish()
        for server in servers { server.close(promise: nil) }
        for channel in idle { channel.close(promise: nil) }
    }

    private func closeAllConnections() {
        let channels = state.withLock { $0.connections.values.map(\.channel) }
        for channel in channels { channel.close(promise: nil) }
    }

    private func watchIdle(timeout: Duration) async {
        while !Task.isCancelled {
            let (idle, since, down) = state.withLock {
                ($0.connections.isEmpty && $0.pending == 0, $0.idleSince, $0.shuttingDown)
            }
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

    private func serve(_ connection: Accepted) async {
        await serve(connection, peer: await Self.peerCredentials(of: connection.channel))
    }

    /// The peer's credentials; ``VarlinkPeer/unidentified`` where the socket has none (TCP) or they cannot be read,
    /// so that an authorizer fails closed. Only bridge mode has no peer (nil).
    static func peerCredentials(of channel: any Channel) async -> VarlinkPeer {
        guard let provider = channel as? any SocketOptionProvider else { return .unidentified }
        struct Credentials { var pid: Int32 = 0; var uid: UInt32 = 0; var gid: UInt32 = 0 }
        do {
            let credentials: Credentials = try await provider.unsafeGetSocketOption(
                level: .socket, name: .init(rawValue: SO_PEERCRED)
            ).get()
            return VarlinkPeer(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid)
        } catch {
            return .unidentified
        }
    }

    private func register(_ channel: any Channel) -> Bool {
        state.withLock { state in
            state.pending -= 1
            if state.shuttingDown { return false }
            state.connections[ObjectIdentifier(channel)] = Connection(channel: channel, busy: false)
            state.acceptedTotal += 1
            return true
        }
    }

    private func unregister(_ channel: any Channel) {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)] = nil
            if state.connections.isEmpty { state.idleSince = .now }
        }
    }

    /// Marks the connection busy or idle; returns false when the server is shutting down.
    private func setBusy(_ channel: any Channel, _ busy: Bool) -> Bool {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)]?.busy = busy
            return !state.shuttingDown
        }
    }

    private func serve(_ connection: Accepted, peer: VarlinkPeer?) async {
        let channel = connection.channel
        state.withLock { _ = $0.unserved.removeValue(forKey: ObjectIdentifier(channel)) }
        // Decided once per connection, from the peer alone, on a thread outside the cooperative pool (an
        // authorizer may look up users and groups).
        let service = self.service
        let authorized = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: service.authorize(peer)) }
        }
        guard register(channel) else {
            try? await connection.executeThenClose { _, _ in }
            return
        }
        defer { unregister(channel) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                let processing = Task {
                    try await self.process(
                        inbound: inbound, outbound: outbound, channel: channel, peer: peer, authorized: authorized)
                }
                // A peer that goes away cancels the call it is waiting for.
                channel.closeFuture.whenComplete { _ in processing.cancel() }
                try await withTaskCancellationHandler {
                    try await processing.value
                } onCancel: {
                    processing.cancel()
                }
            }
        } catch is CancellationError {
        } catch {
            logger.debug("connection closed: \(error)")
        }
        try? await channel.close()
    }

    private func process(
        inbound: NIOAsyncChannelInboundStream<[[UInt8]]>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel, peer: VarlinkPeer?, authorized: Bool
    ) async throws {
        let replies = ReplyBuffer(outbound: outbound, allocator: channel.allocator)
        var iterator = inbound.makeAsyncIterator()
        while let batch = try await iterator.next() {
            guard setBusy(channel, true) else { break }
            for (index, message) in batch.enumerated() {
                let upgrade: VarlinkService.UpgradeHandler?
                do {
                    upgrade = try await service.handle(message: message, peer: peer, authorized: authorized) {
                        reply, continues in
                        try await replies.add(reply, flush: continues)
                    }
                } catch let error as VarlinkMessage.MalformedMessage {
                    try await replies.flush()
                    logger.notice("closing connection: \(error)")
                    return
                }
                if let upgrade {
                    // Raw before the reply leaves: the peer may send its first bytes as soon as it has the reply,
                    // and none of them may be taken for framed messages.
                    let handler = try await channel.pipeline.handler(type: VarlinkFrameHandler.self).get()
                    try await channel.eventLoop.submit {
                        let context = try channel.pipeline.syncOperations.context(handler: handler)
                        handler.switchToRaw(context: context)
                    }.get()
                    try await replies.flush()
                    // Bytes the peer sent after the upgrading call's NUL are the upgraded stream's first bytes: the
                    // framing split them as if they were messages (a NUL in them ended one); joined back, in order.
                    let after: [UInt8] = batch[(index + 1)...].flatMap { $0 + [UInt8(0)] }
                    let raw = UpgradedServerConnection(
                        iterator: iterator, outbound: outbound, channel: channel, first: after)
                    try await upgrade(raw)
                    return
                }
            }
            try await replies.flush()
            guard setBusy(channel, false) else { break }
        }
    }
}

/// Replies waiting to be written: a batch of pipelined calls is answered with one write.
final class ReplyBuffer: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let allocator: ByteBufferAllocator
    private let pending = Mutex<[ByteBuffer]>([])

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, allocator: ByteBufferAllocator) {
        self.outbound = outbound
        self.allocator = allocator
    }

    func add(_ reply: [UInt8], flush: Bool) async throws {
        var buffer = allocator.buffer(capacity: reply.count + 1)
        buffer.writeBytes(reply)
        buffer.writeInteger(UInt8(0))
        pending.withLock { $0.append(buffer) }
        if flush { try await self.flush() }
    }

    func flush() async throws {
        let buffers = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        if !buffers.isEmpty { try await outbound.write(contentsOf: buffers) }
    }
}

/// The raw connection a method gets after an upgrade on the server side.
final class UpgradedServerConnection: VarlinkUpgradedConnection, @unchecked Sendable {
    // The iterator is only used by the upgrade handler, one read at a time.
    private var iterator: NIOAsyncChannelInboundStream<[[UInt8]]>.AsyncIterator
    private var leftover: [[UInt8]] = []
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel

    init(
        iterator: NIOAsyncChannelInboundStream<[[UInt8]]>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel, first: [UInt8] = []
    ) {
        self.iterator = iterator
        if !first.isEmpty { leftover = [first] }
        self.outbound = outbound
        self.channel = channel
    }

    func read() async throws -> [UInt8]? {
        if !leftover.isEmpty { return leftover.removeFirst() }
        guard let chunks = try await iterator.next() else { return nil }
        leftover = Array(chunks.dropFirst())
        return chunks.first ?? []
    }

    func write(_ bytes: [UInt8]) async throws {
        try await outbound.write(channel.allocator.buffer(bytes: bytes))
    }

    func close() async throws {
        try await channel.close()
    }

    func closeWrite() async throws {
        try await channel.close(mode: .output)
    }
}
