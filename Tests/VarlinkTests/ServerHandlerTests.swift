import Logging
import NIOCore
import NIOEmbedded
import Testing
import Varlink

@testable import VarlinkNIO

/// The server's connection handler on an `EmbeddedChannel`: no socket and no threads, every read, task and write
/// under the test's control.
@Suite("Server handler")
struct ServerHandlerTests {
    static func connection() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let service = VarlinkService(
            info: .init(vendor: "Podlink", product: "tests", version: "1", url: "https://example.org"),
            interfaces: [PingService()])
        let framing = FramingState(maximumMessageSize: 1 << 20)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder(state: framing)))
        try channel.pipeline.syncOperations.addHandler(
            VarlinkServerHandler(
                service: service, logger: Logger(label: "test"),
                limits: .init(maximumMessageSize: 1 << 20, refusedMessageSize: 1024, queuedCalls: 8),
                framing: framing, identifiesPeer: false, eventLoop: channel.eventLoop))
        try channel.connect(to: .init(unixDomainSocketPath: "/unused")).wait()
        channel.embeddedEventLoop.run()
        return channel
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(bytes: Array(text.utf8)))
        for _ in 0..<10 { channel.embeddedEventLoop.run() }
    }

    static func writes(_ channel: EmbeddedChannel) throws -> [String] {
        var writes: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { writes.append(String(buffer: buffer)) }
        return writes
    }

    static func ping(_ text: String) -> String {
        #"{"method":"org.example.ping.Ping","parameters":{"ping":"\#(text)"}}"# + "\0"
    }
    static func pong(_ text: String) -> String { #"{"parameters":{"pong":"\#(text)"}}"# + "\0" }

    @Test func callsThatArriveTogetherAreAnsweredInOrderWithOneWrite() throws {
        let channel = try Self.connection()
        try Self.send(channel, Self.ping("a") + Self.ping("b") + Self.ping("c"))
        #expect(try Self.writes(channel) == [Self.pong("a") + Self.pong("b") + Self.pong("c")])
        try Self.send(channel, Self.ping("d"))
        #expect(try Self.writes(channel) == [Self.pong("d")])
        _ = try? channel.finish()
    }

    @Test func aStreamIsWrittenReplyByReply() throws {
        let channel = try Self.connection()
        try Self.send(
            channel, #"{"method":"org.example.ping.Flood","parameters":{"count":3,"size":1},"more":true}"# + "\0")
        #expect(
            try Self.writes(channel) == [
                #"{"parameters":{"data":"x","index":0},"continues":true}"# + "\0",
                #"{"parameters":{"data":"x","index":1},"continues":true}"# + "\0",
                #"{"parameters":{"data":"x","index":2}}"# + "\0",
            ])
        _ = try? channel.finish()
    }

    @Test func anUpgradeHandsOverTheBytesAfterItsCallInOrder() throws {
        let channel = try Self.connection()
        // The upgrading call, a message-like chunk after it in the same read, then raw bytes later.
        try Self.send(channel, #"{"method":"org.example.ping.Echo","upgrade":true}"# + "\0" + Self.ping("raw"))
        try Self.send(channel, "more\0bytes")
        let written = try Self.writes(channel).joined()
        #expect(written == #"{"parameters":{}}"# + "\0" + Self.ping("raw") + "more\0bytes")
        #expect(
            (try? channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<VarlinkFrameDecoder>.self)) == nil)
        _ = try? channel.finish()
    }

    @Test func aMalformedCallClosesTheConnectionAfterTheRepliesBeforeIt() throws {
        let channel = try Self.connection()
        try Self.send(channel, Self.ping("first") + "{\"method\":7}\0" + Self.ping("never"))
        #expect(try Self.writes(channel) == [Self.pong("first")])
        #expect(!channel.isActive)
    }

    @Test func readingPausesWhileTheQueueIsFull() throws {
        let channel = try Self.connection()
        // Sleeps queue up behind the first: past 8 queued calls the handler holds the next read.
        let sleep = #"{"method":"org.example.ping.Sleep","parameters":{"milliseconds":60000}}"# + "\0"
        try Self.send(channel, String(repeating: sleep, count: 20))
        let reads = ReadCounter()
        try channel.pipeline.syncOperations.addHandler(reads, position: .first)
        channel.read()
        #expect(reads.count == 0, "a read passed while 19 calls were queued")
        _ = try? channel.finish()
    }
}

/// Counts the reads that reach the head of the pipeline.
final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = Any
    var count = 0

    func read(context: ChannelHandlerContext) {
        count += 1
        context.read()
    }
}
