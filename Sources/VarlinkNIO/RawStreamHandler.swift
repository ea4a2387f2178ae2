import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The end of a pipeline after an upgrade: keeps the bytes the peer sends until the upgraded connection reads
/// them, and stops reading from the socket while more than ``limit`` bytes wait (a slow reader never makes the
/// process buffer without bound). Lives on the channel's event loop, and is used there only.
final class RawStreamHandler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes held before reading from the socket pauses.
    let limit: Int
    private var chunks = CircularBuffer<ByteBuffer>()
    private var buffered = 0
    private var ended = false
    private var failure: (any Error)?
    private var waiter: EventLoopPromise<ByteBuffer?>?
    private var readHeld = false
    private var context: ChannelHandlerContext?

    init(first: ByteBuffer?, limit: Int = 1 << 20) {
        self.limit = limit
        if let first, first.readableBytes > 0 {
            chunks.append(first)
            buffered = first.readableBytes
        }
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish(nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard bytes.readableBytes > 0 else { return }
        if let waiter {
            self.waiter = nil
            waiter.succeed(bytes)
            return
        }
        chunks.append(bytes)
        buffered += bytes.readableBytes
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            finish(nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A peer that closed while bytes it had not read were waiting resets the connection: after what it sent,
        // that is the end of its stream, as a close is.
        if let error = error as? IOError, error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
            finish(nil)
        } else {
            finish(error)
        }
        context.close(promise: nil)
    }

    func read(context: ChannelHandlerContext) {
        if buffered >= limit {
            readHeld = true
        } else {
            context.read()
        }
    }

    private func finish(_ error: (any Error)?) {
        if ended { return }
        ended = true
        failure = error
        if let waiter {
            self.waiter = nil
            if let error { waiter.fail(error) } else { waiter.succeed(nil) }
        }
    }

    /// The next bytes, or nil at the end of input.
    func next(on eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer?> {
        if let chunk = chunks.popFirst() {
            buffered -= chunk.readableBytes
            if readHeld && buffered < limit, let context {
                readHeld = false
                context.read()
            }
            return eventLoop.makeSucceededFuture(chunk)
        }
        if ended {
            if let failure { return eventLoop.makeFailedFuture(failure) }
            return eventLoop.makeSucceededFuture(nil)
        }
        if readHeld, let context {
            readHeld = false
            context.read()
        }
        let promise = eventLoop.makePromise(of: ByteBuffer?.self)
        waiter?.fail(ChannelError.inappropriateOperationForState)
        waiter = promise
        return promise.futureResult
    }
}
