import NIOCore
import NIOEmbedded
import Testing

@testable import Varlink

/// The NUL framing on an `EmbeddedChannel`: no socket, every read and event under the test's control.
@Suite("NUL framing")
struct FramingTests {
    static func channel(limit: Int = 64) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(VarlinkFrameHandler(maximumMessageSize: limit))
        return channel
    }

    static func write(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: Array(text.utf8)))
    }

    static func batches(_ channel: EmbeddedChannel) throws -> [[String]] {
        var batches: [[String]] = []
        while let batch = try channel.readInbound(as: [[UInt8]].self) {
            batches.append(batch.map { String(decoding: $0, as: UTF8.self) })
        }
        return batches
    }

    @Test("messages of one read arrive as one batch, in order")
    func oneReadOneBatch() throws {
        let channel = try Self.channel()
        try Self.write(channel, "{\"a\":1}\0{\"b\":2}\0")
        #expect(try Self.batches(channel) == [["{\"a\":1}", "{\"b\":2}"]])
    }

    @Test("a message cut anywhere arrives whole once its NUL does")
    func splitAnywhere() throws {
        let message = "{\"method\":\"org.example.ping.Ping\"}"
        for cut in 0...message.utf8.count {
            let channel = try Self.channel()
            let bytes = Array((message + "\0").utf8)
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[..<cut]))
            #expect(try Self.batches(channel).isEmpty)
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[cut...]))
            #expect(try Self.batches(channel) == [[message]])
        }
    }

    @Test("a large message in many small reads arrives whole, as do the messages around it")
    func manySmallReads() throws {
        let channel = try Self.channel(limit: 1 << 20)
        let big = String(repeating: "x", count: 512 * 1024)
        let bytes = Array(("{}\0" + big + "\0{\"after\":1}\0").utf8)
        var index = 0
        var batches: [[String]] = []
        while index < bytes.count {
            let end = min(index + 1000, bytes.count)
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes[index..<end]))
            batches += try Self.batches(channel)
            index = end
        }
        #expect(batches.flatMap { $0 } == ["{}", big, "{\"after\":1}"])
    }

    @Test("a message past the limit is an error, terminated or not")
    func tooLarge() throws {
        let terminated = try Self.channel(limit: 8)
        #expect(throws: VarlinkFrameHandler.MessageTooLarge.self) {
            try Self.write(terminated, "0123456789\0")
            try terminated.throwIfErrorCaught()
        }
        let unterminated = try Self.channel(limit: 8)
        #expect(throws: VarlinkFrameHandler.MessageTooLarge.self) {
            try Self.write(unterminated, "0123456789")
            try unterminated.throwIfErrorCaught()
        }
        let exact = try Self.channel(limit: 8)
        try Self.write(exact, "01234567\0")
        #expect(try Self.batches(exact) == [["01234567"]])
    }

    @Test("after the switch to raw, buffered bytes come first, then every read unframed")
    func rawAfterUpgrade() throws {
        let channel = try Self.channel()
        let handler = try channel.pipeline.syncOperations.handler(type: VarlinkFrameHandler.self)
        try Self.write(channel, "{\"upgrade\":true}\0by")
        #expect(try Self.batches(channel) == [["{\"upgrade\":true}"]])
        let context = try channel.pipeline.syncOperations.context(handlerType: VarlinkFrameHandler.self)
        handler.switchToRaw(context: context)
        #expect(try Self.batches(channel) == [["by"]])
        try Self.write(channel, "tes\0ts\0")
        #expect(try Self.batches(channel) == [["tes\0ts\0"]])
    }

    @Test("bytes after the last NUL are passed on when the peer half-closes")
    func halfCloseFlushesTheRest() throws {
        let channel = try Self.channel()
        try Self.write(channel, "{}\0tail")
        #expect(try Self.batches(channel) == [["{}"]])
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try Self.batches(channel) == [["tail"]])
    }
}
