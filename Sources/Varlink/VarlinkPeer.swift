/// The credentials of the process at the other end of a connection (`SO_PEERCRED`), where the transport has them.
public struct VarlinkPeer: Sendable, Hashable {
    /// The peer's process id.
    public var pid: Int32
    /// The peer's user id.
    public var uid: UInt32
    /// The peer's group id.
    public var gid: UInt32

    /// A peer whose credentials are unknown (a TCP connection, or a socket that would not say): uid and gid -1,
    /// which no user or group has.
    public static let unidentified = VarlinkPeer(pid: 0, uid: .max, gid: .max)

    /// Whether the credentials are known.
    public var isIdentified: Bool { self != .unidentified }

    /// Creates peer credentials.
    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// A connection handed to a method after an `upgrade` reply: raw bytes in both directions.
public protocol VarlinkUpgradedConnection: Sendable {
    /// The next bytes from the peer, or nil at end of stream.
    func read() async throws -> [UInt8]?
    /// Sends bytes to the peer.
    func write(_ bytes: [UInt8]) async throws
    /// Closes the connection.
    func close() async throws
    /// Ends what this side sends (the peer reads end of stream) while still reading what it sends back.
    func closeWrite() async throws
}

extension VarlinkUpgradedConnection {
    /// Transports that cannot half-close close the whole connection.
    public func closeWrite() async throws { try await close() }
}
