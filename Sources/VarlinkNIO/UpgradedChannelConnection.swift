import NIOCore
import Varlink

/// A connection after an upgrade, on either side: raw bytes in both directions over the channel that carried
/// varlink until then. Reads come from the ``RawStreamHandler`` at the end of the pipeline; each write waits
/// until the channel has taken its bytes, so a peer that does not read holds the writer back.
final class UpgradedChannelConnection: VarlinkUpgradedConnection {
    let channel: any Channel
    /// Touched on the channel's event loop only.
    private let handler: RawStreamHandler

    init(channel: any Channel, handler: RawStreamHandler) {
        self.channel = channel
        self.handler = handler
    }

    func read() async throws -> [UInt8]? {
        let handler = handler
        let eventLoop = channel.eventLoop
        let chunk = try await eventLoop.flatSubmit { handler.next(on: eventLoop) }.get()
        return chunk.map { Array($0.readableBytesView) }
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    func close() async throws {
        do {
            try await channel.close()
        } catch ChannelError.alreadyClosed {}
    }

    func closeWrite() async throws {
        try await channel.close(mode: .output)
    }
}
