import NIOCore
import Varlink

/// Hands each reply the ``VarlinkFrameDecoder`` splits off to the oldest call still waiting (calls are answered in
/// order); a reply without `continues` at its top level is a call's last. After a reply that upgrades, the decoder
/// leaves the pipeline and the bytes go to a ``RawStreamHandler``. Lives on the channel's event loop.
final class ClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    enum Waiter {
        case stream(AsyncThrowingStream<[UInt8], any Error>.Continuation)
        case upgrade(CheckedContinuation<([UInt8], RawStreamHandler?), any Error>)
    }

    private var waiters = CircularBuffer<Waiter>()
    private var closed = false
    private var upgraded = false
    private var context: ChannelHandlerContext?
    let framing: FramingState

    init(framing: FramingState) {
        self.framing = framing
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func enqueue(_ waiter: Waiter) {
        if closed {
            fail(waiter, VarlinkConnection.ConnectionError(description: "connection closed"))
            return
        }
        waiters.append(waiter)
    }

    private func fail(_ waiter: Waiter, _ error: any Error) {
        switch waiter {
        case .stream(let continuation): continuation.finish(throwing: error)
        case .upgrade(let continuation): continuation.resume(throwing: error)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if upgraded {
            context.fireChannelRead(data)
            return
        }
        let message = Array(unwrapInboundIn(data).readableBytesView)
        guard let waiter = waiters.first, let header = try? VarlinkMessage.replyHeader(message) else {
            // A reply nobody waits for, or not a reply: the peer broke the protocol.
            context.close(promise: nil)
            return
        }
        switch waiter {
        case .stream(let continuation):
            continuation.yield(message)
            if !header.continues {
                continuation.finish()
                waiters.removeFirst()
            }
        case .upgrade(let continuation):
            waiters.removeFirst()
            // An error reply leaves the connection a varlink connection; only a reply upgrades it.
            guard !header.isError else {
                continuation.resume(returning: (message, nil))
                return
            }
            upgraded = true
            do {
                let raw = try context.pipeline.syncOperations.switchToRaw(framing: framing)
                continuation.resume(returning: (message, raw))
            } catch {
                continuation.resume(throwing: error)
                context.close(promise: nil)
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !upgraded, event is VarlinkFrameDecoder.UnterminatedInput { return }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        let error = VarlinkConnection.ConnectionError(description: "connection closed")
        while let waiter = waiters.popFirst() { fail(waiter, error) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if upgraded {
            context.fireErrorCaught(error)
            return
        }
        context.close(promise: nil)
    }
}
