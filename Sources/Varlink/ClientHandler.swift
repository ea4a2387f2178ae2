import NIOCore

/// Frames replies and hands each to the oldest call still waiting (calls are answered in order). Lives on the
/// channel's event loop.
final class ClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    enum Waiter {
        case stream(AsyncThrowingStream<[UInt8], any Error>.Continuation)
        case upgrade(CheckedContinuation<[UInt8], any Error>, AsyncThrowingStream<[UInt8], any Error>.Continuation)
    }

    let maximumMessageSize: Int
    private var waiters: [Waiter] = []
    private var head = 0
    private var buffer: ByteBuffer?
    private var raw: AsyncThrowingStream<[UInt8], any Error>.Continuation?
    private var closed = false

    init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

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
        case .upgrade(let continuation, let rawContinuation):
            continuation.resume(throwing: error)
            rawContinuation.finish(throwing: error)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if let raw {
            raw.yield(incoming.readBytes(length: incoming.readableBytes) ?? [])
            return
        }
        if buffer == nil || buffer!.readableBytes == 0 { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
        while raw == nil, let view = buffer?.readableBytesView, let end = view.firstIndex(of: 0) {
            let message = buffer!.readBytes(length: end - view.startIndex)!
            buffer!.moveReaderIndex(forwardBy: 1)
            deliver(message, context: context)
        }
        if let raw, let rest = buffer, rest.readableBytes > 0 {
            raw.yield(Array(rest.readableBytesView))
            buffer = nil
        }
        if (buffer?.readableBytes ?? 0) > maximumMessageSize {
            context.fireErrorCaught(VarlinkConnection.ConnectionError(description: "reply larger than the limit"))
            context.close(promise: nil)
        }
        if buffer?.readableBytes == 0 { buffer = nil } else { buffer?.discardReadBytes() }
    }

    private func deliver(_ message: [UInt8], context: ChannelHandlerContext) {
        guard head < waiters.count else {
            // A reply nobody waits for: the peer broke the protocol.
            context.close(promise: nil)
            return
        }
        let continues = Self.continues(message)
        switch waiters[head] {
        case .stream(let continuation):
            continuation.yield(message)
            if !continues {
                continuation.finish()
                advance()
            }
        case .upgrade(let continuation, let rawContinuation):
            advance()
            // An error reply leaves the connection a varlink connection; only a reply upgrades it.
            if VarlinkMessage.isError(message) {
                rawContinuation.finish()
            } else {
                raw = rawContinuation
            }
            continuation.resume(returning: message)
        }
    }

    private func advance() {
        head += 1
        if head > 64 && head * 2 > waiters.count {
            waiters.removeFirst(head)
            head = 0
        }
    }

    /// Whether a reply has `"continues": true` (a cheap scan; replies are decoded fully later).
    static func continues(_ message: [UInt8]) -> Bool {
        let needle = Array(#""continues":true"#.utf8)
        guard message.count >= needle.count else { return false }
        if message.starts(with: needle) { return true }
        var index = 0
        while index <= message.count - needle.count {
            if message[index] == UInt8(ascii: "\""), message[index..<index + needle.count].elementsEqual(needle) {
                return true
            }
            index += 1
        }
        // Tolerate spaces: `"continues": true`.
        let spaced = String(decoding: message, as: UTF8.self)
        return spaced.contains("\"continues\": true")
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        let error = VarlinkConnection.ConnectionError(description: "connection closed")
        for waiter in waiters[head...] { fail(waiter, error) }
        waiters.removeAll()
        head = 0
        raw?.finish()
        raw = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
