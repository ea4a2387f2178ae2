import NIOCore
import NIOEmbedded
import Testing

@testable import VarlinkNIO

/// The NUL framing decoder on an `EmbeddedChannel`: no socket, every read and event under the test's control.
@Suite("NUL framing")
struct FramingTests {
    /// Collects what the decoder passes on: messages, and the bytes of an unterminated end.
    final class Sink: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var messages: [String] = []
        var unterminated: [String] = []
        /// When set, the first message upgrades the connection: the decoder is told and asked to leave, as the
        /// server's and the client's handlers do.
        var upgradeOnFirst: FramingState?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            messages.append(String(buffer: unwrapInboundIn(data)))
            if let framing = upgradeOnFirst {
                upgradeOnFirst = nil
                framing.upgraded = true
                let decoder = try! context.pipeline.syncOperations.handler(
                    type: ByteToMessageHandler<VarlinkFrameDecoder>.self)
                context.pipeline.syncOperations.removeHandler(decoder, promise: nil)
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? VarlinkFrameDecoder.UnterminatedInput {
                unterminated.append(String(buffer: event.bytes))
            }
        }

        func take() -> [String] {
            defer { messages = [] }
            return messages
        }
    }

    static func channel(limit: Int = 64) throws -> (EmbeddedChannel, Sink) {
        let channel = EmbeddedChannel()
        let sink = Sink()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(VarlinkFrameDecoder(maximumMessageSize: limit)))
        try channel.pipeline.syncOperations.addHandler(sink)
        return (channel, sink)
    }

    static func write(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: Array(text.utf8)))
    }

    @Test("messages of one read arrive in order, each without its NUL")
    func oneRead() throws {
        let (channel, sink) = try Self.channel()
        try Self.write(channel, "{\"a\":1}\0{\"b\":2}\0")
        #expect(sink.take() == ["{\"a\":1}", "{\"b\":2}"])
    }

    @Test("a message cut anywhere arrives whole once its NUL does")
    func splitAnywhere() throws {
        let message = "{\"method\":\"org.example.ping.Ping\"}"
        for cut in 0...message.utf8.count {
            let (channel, sink) = try Self.channel()
            let bytes = Array((message + "\0").utf8)
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[..<cut]))
            #expect(sink.take().isEmpty)
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[cut...]))
            #expect(sink.take() == [message])
        }
    }

    @Test("a large message in many small reads arrives whole, as do the messages around it")
    func manySmallReads() throws {
        let (channel, sink) = try Self.channel(limit: 1 << 20)
        let big = String(repeating: "x", count: 512 * 1024)
        let bytes = Array(("{}\0" + big + "\0{\"after\":1}\0").utf8)
        var index = 0
        while index < bytes.count {
            let end = min(index + 1000, bytes.count)
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[index..<end]))
            index = end
        }
        #expect(sink.take() == ["{}", big, "{\"after\":1}"])
    }

    @Test("a message past the limit is an error, terminated or not, as soon as the limit is passed")
    func tooLarge() throws {
        let (terminated, _) = try Self.channel(limit: 8)
        #expect(throws: VarlinkFrameDecoder.MessageTooLarge.self) {
            try Self.write(terminated, "0123456789\0")
        }
        let (unterminated, _) = try Self.channel(limit: 8)
        #expect(throws: VarlinkFrameDecoder.MessageTooLarge.self) {
            try Self.write(unterminated, "0123456789")
        }
        let (exact, sink) = try Self.channel(limit: 8)
        try Self.write(exact, "01234567\0")
        #expect(sink.take() == ["01234567"])
    }

    @Test("when the decoder is removed, the bytes it holds and every later read pass on unframed")
    func rawAfterRemoval() throws {
        let (channel, sink) = try Self.channel()
        try Self.write(channel, "{\"upgrade\":true}\0by")
        #expect(sink.take() == ["{\"upgrade\":true}"])
        let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<VarlinkFrameDecoder>.self)
        channel.pipeline.syncOperations.removeHandler(decoder, promise: nil)
        channel.embeddedEventLoop.run()
        #expect(sink.take() == ["by"])
        try Self.write(channel, "tes\0ts\0")
        #expect(sink.take() == ["tes\0ts\0"])
    }

    @Test("bytes after the last NUL at the end of input are an event, not a message")
    func endOfInput() throws {
        let (channel, sink) = try Self.channel()
        try Self.write(channel, "{}\0tail")
        #expect(sink.take() == ["{}"])
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(sink.take().isEmpty)
        #expect(sink.unterminated == ["tail"])
    }

    @Test("after an upgrade, the end of input arriving while the decoder leaves does not split the bytes at NULs")
    func endOfInputDuringUpgrade() throws {
        let channel = EmbeddedChannel()
        let sink = Sink()
        let framing = FramingState(maximumMessageSize: 64)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder(state: framing)))
        try channel.pipeline.syncOperations.addHandler(sink)
        sink.upgradeOnFirst = framing
        try Self.write(channel, "{\"parameters\":{}}\0\u{3}\0\0\0\0\0\0\u{4}")
        #expect(sink.take() == ["{\"parameters\":{}}"])
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        channel.embeddedEventLoop.run()
        #expect(sink.take().joined() == "\u{3}\0\0\0\0\0\0\u{4}")
        #expect(sink.unterminated.isEmpty)
    }
}
