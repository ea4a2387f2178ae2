public import NIOCore

/// Splits a varlink byte stream into its NUL-terminated messages (each without its NUL).
///
/// Only bytes that arrived since the last call are scanned, so a message that comes in many reads costs work in
/// proportion to its size. A message longer than the limit fails the stream with ``MessageTooLarge`` as soon as
/// that many bytes are buffered, even while the peer keeps sending.
///
/// When the handler is removed from the pipeline (an upgrade), the bytes it holds are passed on unframed: they are
/// the first bytes of the upgraded protocol. At the end of input, bytes after the last NUL are passed on as an
/// ``UnterminatedInput`` event instead of a message.
public struct VarlinkFrameDecoder: ByteToMessageDecoder {
    /// A message, without its terminating NUL.
    public typealias InboundOut = ByteBuffer

    /// A peer sent a message longer than the limit.
    public struct MessageTooLarge: Error, Sendable, CustomStringConvertible {
        /// The limit that was passed.
        public var limit: Int
        /// What happened.
        public var description: String { "message longer than \(limit) bytes" }
    }

    /// The bytes after the last NUL when the input ended (a message cut off, or an upgraded stream's first bytes
    /// sent together with the upgrading call).
    public struct UnterminatedInput: Sendable {
        /// The bytes.
        public var bytes: ByteBuffer
    }

    /// The longest message accepted now (a server lowers it for peers it refuses).
    public var maximumMessageSize: Int { state.maximumMessageSize }
    let state: FramingState
    /// How many readable bytes are known to hold no NUL.
    private var scanned = 0

    /// Creates a decoder that accepts messages up to `maximumMessageSize` bytes.
    public init(maximumMessageSize: Int) {
        self.state = FramingState(maximumMessageSize: maximumMessageSize)
    }

    init(state: FramingState) {
        self.state = state
    }

    /// Takes the next message out of `buffer`, or asks for more bytes.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if state.upgraded { return passOn(context: context, buffer: &buffer) }
        let view = buffer.readableBytesView
        guard let end = view[(view.startIndex + scanned)...].firstIndex(of: 0) else {
            scanned = view.count
            if scanned > maximumMessageSize { throw MessageTooLarge(limit: maximumMessageSize) }
            return .needMoreData
        }
        let length = end - view.startIndex
        if length > maximumMessageSize { throw MessageTooLarge(limit: maximumMessageSize) }
        scanned = 0
        let message = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    /// When removed, or at the end of input after an upgrade: what is held is passed on unframed (NULs and all).
    /// At the end of input otherwise: messages still buffered are passed on, then the rest as ``UnterminatedInput``.
    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        if state.upgraded || !seenEOF { return passOn(context: context, buffer: &buffer) }
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let rest = buffer.readSlice(length: buffer.readableBytes)!
            context.fireUserInboundEventTriggered(UnterminatedInput(bytes: rest))
        }
        scanned = 0
        return .needMoreData
    }

    /// After an upgrade: everything held goes on as it is.
    private mutating func passOn(context: ChannelHandlerContext, buffer: inout ByteBuffer) -> DecodingState {
        if buffer.readableBytes > 0 {
            context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: buffer.readableBytes)!))
        }
        scanned = 0
        return .needMoreData
    }
}
