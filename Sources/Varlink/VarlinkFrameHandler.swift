import NIOCore

/// Splits the byte stream into NUL-terminated messages and passes each read's complete messages on as one batch
/// (`[[UInt8]]`), so pipelined calls can be answered with one write. A message longer than the limit closes the
/// connection. After `switchToRaw()`, bytes pass through unframed (an upgraded connection).
final class VarlinkFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = [[UInt8]]

    /// A peer sent a message larger than the limit.
    struct MessageTooLarge: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "message larger than \(limit) bytes" }
    }

    let maximumMessageSize: Int
    private var buffer: ByteBuffer?
    /// How many of the buffer's readable bytes are known to hold no NUL: each read scans only what it added, so a
    /// message that arrives in many reads costs work in proportion to its size, not to its size squared.
    private var scanned = 0
    private var raw = false

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if raw {
            context.fireChannelRead(wrapInboundOut([incoming.readBytes(length: incoming.readableBytes) ?? []]))
            return
        }
        if buffer == nil || buffer!.readableBytes == 0 {
            buffer = incoming
        } else {
            buffer!.writeBuffer(&incoming)
        }
        var batch: [[UInt8]] = []
        while let view = buffer?.readableBytesView {
            guard let end = view[(view.startIndex + scanned)...].firstIndex(of: 0) else {
                scanned = view.count
                break
            }
            let length = end - view.startIndex
            if length > maximumMessageSize {
                context.fireErrorCaught(MessageTooLarge(limit: maximumMessageSize))
                return
            }
            batch.append(buffer!.readBytes(length: length)!)
            buffer!.moveReaderIndex(forwardBy: 1)
            scanned = 0
        }
        if let pending = buffer?.readableBytes, pending > maximumMessageSize {
            context.fireErrorCaught(MessageTooLarge(limit: maximumMessageSize))
            return
        }
        if buffer?.readableBytes == 0 {
            buffer = nil
            scanned = 0
        } else if !batch.isEmpty {
            // Once per read that ended messages: the bytes of an unfinished one are moved to the front once.
            buffer?.discardReadBytes()
        }
        if !batch.isEmpty { context.fireChannelRead(wrapInboundOut(batch)) }
    }

    /// From now on, pass bytes through unframed; bytes already buffered go first.
    /// A peer that half-closes right after the bytes that follow an upgrading call: those bytes (after the last
    /// NUL) are passed on before the end of input, so that the upgraded stream gets them. Without an upgrade they
    /// arrive as one more, unterminated message.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !raw, let event = event as? ChannelEvent, event == .inputClosed, var pending = buffer,
            pending.readableBytes > 0
        {
            buffer = nil
            scanned = 0
            context.fireChannelRead(wrapInboundOut([pending.readBytes(length: pending.readableBytes)!]))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func switchToRaw(context: ChannelHandlerContext) {
        raw = true
        scanned = 0
        if var pending = buffer, pending.readableBytes > 0 {
            buffer = nil
            context.fireChannelRead(wrapInboundOut([pending.readBytes(length: pending.readableBytes)!]))
        }
    }
}
