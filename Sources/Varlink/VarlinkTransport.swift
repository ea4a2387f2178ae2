/// How a client reaches a service: sends call messages and receives reply messages.
/// Socket transports, bridges and the in-process loopback implement it.
public protocol VarlinkTransport: Sendable {
    /// Sends one call and returns its replies: none for `oneway`, one, or several for `more`.
    /// The stream ends after the last reply (one without `continues`).
    func exchange(_ message: [UInt8], flags: VarlinkCallFlags) async throws -> AsyncThrowingStream<[UInt8], any Error>

    /// Sends a call with `upgrade`, waits for its reply and hands over the connection.
    func upgrade(_ message: [UInt8]) async throws -> (reply: [UInt8], connection: any VarlinkUpgradedConnection)
}

/// A transport that calls a `VarlinkService` in the same process: for tests and for embedding.
public struct VarlinkLoopbackTransport: VarlinkTransport {
    /// The service called.
    public let service: VarlinkService
    /// The credentials the service sees.
    public let peer: VarlinkPeer?

    /// Creates a loopback to `service`.
    public init(service: VarlinkService, peer: VarlinkPeer? = nil) {
        self.service = service
        self.peer = peer
    }

    /// Runs the call in a task and streams its replies.
    public func exchange(
        _ message: [UInt8], flags: VarlinkCallFlags
    ) async throws -> AsyncThrowingStream<
        [UInt8], any Error
    > {
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let service = service
        let peer = peer
        let task = Task {
            do {
                _ = try await service.handle(message: message, peer: peer) { reply, _ in
                    continuation.yield(reply)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// An in-process transport has no connection to hand over.
    public struct UpgradeUnsupported: Error, Sendable, CustomStringConvertible {
        /// Why.
        public var description: String { "a loopback transport cannot upgrade: it has no connection" }
    }

    /// Upgrades are not possible without a connection: throws `UpgradeUnsupported`.
    public func upgrade(
        _ message: [UInt8]
    ) async throws -> (
        reply: [UInt8], connection: any VarlinkUpgradedConnection
    ) {
        throw UpgradeUnsupported()
    }
}
