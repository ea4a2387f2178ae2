import Dispatch
import Logging
import NIOCore
import Varlink

#if canImport(Glibc)
import Glibc
#endif

/// Serves one connection, on its event loop: takes the messages the ``VarlinkFrameDecoder`` splits off, answers
/// them one at a time and in order, and writes the replies of calls that arrived together with one write.
///
/// A call runs in a task that prefers the connection's event loop, so a method that awaits nothing else is
/// decoded, run and answered on the thread that read it. While calls run, the next ones queue; past
/// ``Limits/queuedCalls`` reading from the socket pauses. A stream of replies (`more`) waits while the socket does
/// not take its bytes. After an upgrade the decoder leaves the pipeline and the bytes go to a ``RawStreamHandler``.
///
/// Every call read runs, even when its caller has left before it started (before its credentials were checked,
/// or while earlier calls ran): a caller's leaving cancels its calls, so a wait or a stream ends at once, and their
/// replies go nowhere, but what a method does to the world does not depend on when the peer closed its socket.
///
/// All state is touched on the event loop only: the task checks where it runs and hops there when a method left it.
final class VarlinkServerHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What bounds one connection.
    struct Limits {
        /// The longest message from a peer the service accepts.
        var maximumMessageSize: Int
        /// The longest message from a peer the service refuses (it only gets `PermissionDenied`).
        var refusedMessageSize: Int
        /// Calls read ahead of the one running before reading pauses.
        var queuedCalls: Int
    }

    let service: VarlinkService
    let logger: Logger
    let limits: Limits
    let framing: FramingState
    let identifiesPeer: Bool
    private let eventLoop: any EventLoop
    private let executor: EventLoopTaskExecutor
    /// Asked once the peer is known whether it may have one more connection (nil: no limit).
    private let admit: (@Sendable (VarlinkPeer) -> Bool)?
    private var context: ChannelHandlerContext?
    private var peer: VarlinkPeer?
    private var authorized: Bool?
    private var queue = CircularBuffer<ByteBuffer>()
    private var trailing: ByteBuffer?
    private var output: ByteBuffer
    private var working = false
    private var inputEnded = false
    private var quiescing = false
    private var upgraded = false
    private var closing = false
    /// The peer closed the connection: calls already read still run, cancelled, their replies dropped.
    private var peerLeft = false
    private var readHeld = false
    private var writable: [EventLoopPromise<Void>] = []
    private var task: Task<Void, Never>?

    /// `identifiesPeer`: read the peer's credentials from the socket (false for a bridge's pipes, which have none).
    init(
        service: VarlinkService, logger: Logger, limits: Limits, framing: FramingState, identifiesPeer: Bool,
        eventLoop: any EventLoop, admit: (@Sendable (VarlinkPeer) -> Bool)? = nil
    ) {
        self.admit = admit
        self.service = service
        self.logger = logger
        self.limits = limits
        self.framing = framing
        self.identifiesPeer = identifiesPeer
        self.eventLoop = eventLoop
        self.executor = EventLoopTaskExecutor(eventLoop: eventLoop)
        self.output = ByteBufferAllocator().buffer(capacity: 0)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = context.channel.allocator.buffer(capacity: 1024)
        if context.channel.isActive { identify(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        identify(context: context)
        context.fireChannelActive()
    }

    /// Reads the peer's credentials, then asks the authorizer (off the event loop: it may look up users and
    /// groups). Calls wait, and reading pauses, until the answer is known.
    private func identify(context: ChannelHandlerContext) {
        guard authorized == nil, peer == nil else { return }
        let service = service
        let admit = admit
        let decided: @Sendable (VarlinkPeer?) -> Void = { peer in
            if let admit, let peer, !admit(peer) {
                self.eventLoop.execute { self.close() }
                return
            }
            guard service.authorizer != nil else {
                self.eventLoop.execute { self.authorize(peer, true) }
                return
            }
            DispatchQueue.global().async {
                let allowed = service.authorize(peer)
                self.eventLoop.execute { self.authorize(peer, allowed) }
            }
        }
        guard identifiesPeer else {
            decided(nil)
            return
        }
        guard let provider = context.channel as? any SocketOptionProvider else {
            decided(.unidentified)
            return
        }
        struct Credentials { var pid: Int32 = 0; var uid: UInt32 = 0; var gid: UInt32 = 0 }
        let future: EventLoopFuture<Credentials> = provider.unsafeGetSocketOption(
            level: .socket, name: .init(rawValue: SO_PEERCRED))
        future.whenComplete { result in
            switch result {
            case .success(let credentials):
                decided(VarlinkPeer(pid: credentials.pid, uid: credentials.uid, gid: credentials.gid))
            case .failure:
                decided(.unidentified)
            }
        }
    }

    private func authorize(_ peer: VarlinkPeer?, _ allowed: Bool) {
        self.peer = peer
        authorized = allowed
        if !allowed { framing.maximumMessageSize = min(framing.maximumMessageSize, limits.refusedMessageSize) }
        releaseRead()
        drain()
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if upgraded {
            context.fireChannelRead(data)
            return
        }
        queue.append(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        drain()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if upgraded {
            context.fireUserInboundEventTriggered(event)
            return
        }
        switch event {
        case let event as ChannelEvent where event == .inputClosed:
            inputEnded = true
            drain()
        case let event as VarlinkFrameDecoder.UnterminatedInput:
            // Bytes after the last call: an upgraded stream's first bytes, if that call upgrades; else dropped.
            trailing = event.bytes
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            drain()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            resumeWriters(nil)
            releaseRead()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        peerLeft = true
        // A peer that goes away cancels the call it waits for (and the calls it sent before, which still run).
        task?.cancel()
        resumeWriters(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if upgraded {
            context.fireErrorCaught(error)
            return
        }
        if let error = error as? VarlinkFrameDecoder.MessageTooLarge {
            logger.notice("closing connection: \(error)")
        } else {
            logger.debug("connection error: \(error)")
        }
        close()
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        if !upgraded && mustWait(context) {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Reading waits for the authorizer's answer, for queued calls to be answered, and for the socket to take the
    /// replies already written (a peer that does not read its replies is not read from).
    private func mustWait(_ context: ChannelHandlerContext) -> Bool {
        authorized == nil || queue.count >= limits.queuedCalls || !context.channel.isWritable
    }

    private func releaseRead() {
        if readHeld, let context, upgraded || !mustWait(context) {
            readHeld = false
            context.read()
        }
    }

    private func resumeWriters(_ error: (any Error)?) {
        let waiting = writable
        writable = []
        for promise in waiting {
            if let error { promise.fail(error) } else { promise.succeed() }
        }
    }

    // MARK: Calls

    /// Starts working through the queue, or ends the connection when there is nothing left to do and the input
    /// ended or the server is shutting down.
    private func drain() {
        guard !working, !upgraded, authorized != nil, !closing || runsAfterLeaving else { return }
        if queue.isEmpty {
            if inputEnded || quiescing { flushThenClose() }
            return
        }
        working = true
        task = Task(executorPreference: executor) { await self.work() }
        if peerLeft { task?.cancel() }
    }

    /// Whether calls still run though the connection is closing: the peer left (the service did not close it),
    /// and it was allowed to call.
    private var runsAfterLeaving: Bool { peerLeft && authorized == true }

    /// The next call, or nil after writing what the batch answered (and no longer working).
    private func next() -> ByteBuffer? {
        guard !closing || runsAfterLeaving, let frame = queue.popFirst() else {
            working = false
            task = nil
            if !closing {
                flush()
                drain()
            }
            return nil
        }
        releaseRead()
        return frame
    }

    private func work() async {
        while let frame = await onLoop({ self.next() }) {
            let message = Array(frame.readableBytesView)
            do {
                let upgrade = try await service.handle(
                    message: message, peer: peer, authorized: authorized ?? false
                ) { reply, continues in
                    try await self.send(reply, continues: continues)
                }
                if let upgrade {
                    guard let connection = await onLoop({ self.startUpgrade() }) else { return }
                    do {
                        try await upgrade(connection)
                    } catch {
                        logger.debug("upgraded connection ended: \(error)")
                    }
                    try? await connection.close()
                    return
                }
            } catch let error as VarlinkMessage.MalformedMessage {
                logger.notice("closing connection: \(error)")
                await onLoop { self.flushThenClose() }
                return
            } catch {
                // An undeclared error (logged by the service), a cancelled call, or a connection gone: the calls
                // of a peer that left still run.
                if await onLoop({ self.runsAfterLeaving }) { continue }
                await onLoop { self.flushThenClose() }
                return
            }
        }
    }

    /// Runs `body` on the event loop: at once when the task is there, as it is unless a method moved elsewhere.
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        if eventLoop.inEventLoop { return body() }
        return try! await eventLoop.submit(body).get()
    }

    /// Queues a reply; a reply that more follow is written at once, and the stream then waits while the socket
    /// does not take its bytes.
    private func send(_ reply: [UInt8], continues: Bool) async throws {
        let wait: EventLoopFuture<Void>? = await onLoop {
            // The last reply to a caller that left goes nowhere; a stream to it ends.
            if self.peerLeft && !continues { return nil }
            guard !self.closing, let context = self.context else {
                return self.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
            }
            self.output.reserveCapacity(minimumWritableBytes: reply.count + 1)
            self.output.writeBytes(reply)
            self.output.writeInteger(UInt8(0))
            guard continues else { return nil }
            self.flush()
            guard !context.channel.isWritable else { return nil }
            let promise = self.eventLoop.makePromise(of: Void.self)
            self.writable.append(promise)
            return promise.futureResult
        }
        try await wait?.get()
    }

    @discardableResult
    private func flush() -> EventLoopFuture<Void>? {
        guard let context, output.readableBytes > 0 else { return nil }
        let bytes = output
        output = context.channel.allocator.buffer(capacity: 1024)
        return context.writeAndFlush(wrapOutboundOut(bytes))
    }

    private func flushThenClose() {
        guard !closing else { return }
        if let written = flush() {
            written.whenComplete { _ in self.close() }
        } else {
            close()
        }
    }

    private func close() {
        guard !closing, let context else { return }
        closing = true
        task?.cancel()
        context.close(promise: nil)
    }

    /// Hands the connection over after an upgrading call: calls read after it and bytes that followed them are the
    /// upgraded stream's first bytes; the decoder leaves the pipeline (passing on what it holds), and then the
    /// reply is written.
    private func startUpgrade() -> UpgradedChannelConnection? {
        guard !closing, let context else { return nil }
        upgraded = true
        working = false
        var first = context.channel.allocator.buffer(capacity: 0)
        while var frame = queue.popFirst() {
            first.writeBuffer(&frame)
            first.writeInteger(UInt8(0))
        }
        if var trailing {
            first.writeBuffer(&trailing)
            self.trailing = nil
        }
        let raw: RawStreamHandler
        do {
            raw = try context.pipeline.syncOperations.switchToRaw(framing: framing, first: first)
        } catch {
            logger.debug("cannot upgrade: \(error)")
            close()
            return nil
        }
        flush()
        if inputEnded { context.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
        releaseRead()
        return UpgradedChannelConnection(channel: context.channel, handler: raw)
    }
}
