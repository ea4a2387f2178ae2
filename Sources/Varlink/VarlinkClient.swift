/// Typed calls over any transport. Generated clients wrap one of these.
public struct VarlinkClient: Sendable {
    /// How calls reach the service.
    public let transport: any VarlinkTransport

    /// Creates a client over `transport`.
    public init(transport: any VarlinkTransport) {
        self.transport = transport
    }

    /// The connection ended before the reply came.
    public struct ConnectionClosed: Error, Sendable, CustomStringConvertible {
        /// The method that was waiting.
        public var method: String
        /// What happened.
        public var description: String { "connection closed before the reply to \(method)" }
    }

    /// Calls a method and returns its one reply; throws its typed error, or `VarlinkError` for any other.
    public func call<M: VarlinkMethod>(_ method: M.Type, _ parameters: M.Parameters) async throws -> M.Reply {
        let message = try VarlinkMessage.encodeCall(method: M.methodName, parameters: parameters)
        for try await reply in try await transport.exchange(message, flags: []) {
            return try Self.decode(method, reply).reply
        }
        throw ConnectionClosed(method: M.methodName)
    }

    /// Calls a method with `more` and returns its replies as they come.
    public func stream<M: VarlinkMethod>(
        _ method: M.Type, _ parameters: M.Parameters
    )
        -> AsyncThrowingStream<M.Reply, any Error>
    {
        let transport = transport
        let (stream, continuation) = AsyncThrowingStream<M.Reply, any Error>.makeStream()
        let task = Task {
            do {
                let message = try VarlinkMessage.encodeCall(
                    method: M.methodName, parameters: parameters, flags: .more)
                for try await frame in try await transport.exchange(message, flags: .more) {
                    let (reply, continues) = try Self.decode(method, frame)
                    continuation.yield(reply)
                    if !continues { break }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Calls a method with `oneway`: no reply is sent or awaited.
    public func send<M: VarlinkMethod>(_ method: M.Type, _ parameters: M.Parameters) async throws {
        let message = try VarlinkMessage.encodeCall(method: M.methodName, parameters: parameters, flags: .oneway)
        for try await _ in try await transport.exchange(message, flags: .oneway) {}
    }

    /// Calls a method with `upgrade`; after its reply the connection is the caller's.
    public func upgrade<M: VarlinkMethod>(
        _ method: M.Type, _ parameters: M.Parameters
    ) async throws -> (
        M.Reply, any VarlinkUpgradedConnection
    ) {
        let message = try VarlinkMessage.encodeCall(method: M.methodName, parameters: parameters, flags: .upgrade)
        let (frame, connection) = try await transport.upgrade(message)
        return (try Self.decode(method, frame).reply, connection)
    }

    static func decode<M: VarlinkMethod>(
        _ method: M.Type, _ frame: [UInt8]
    ) throws -> (
        reply: M.Reply, continues: Bool
    ) {
        switch try VarlinkMessage.decodeReply(M.Reply.self, from: frame) {
        case .parameters(let reply, let continues):
            return (reply, continues)
        case .error(let error):
            if let typed = try M.Failure(varlinkError: error) { throw typed }
            throw error
        }
    }
}
