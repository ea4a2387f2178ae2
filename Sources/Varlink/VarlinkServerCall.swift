import Synchronization

/// One incoming call as the runtime hands it to an interface's generated dispatcher.
public struct VarlinkServerCall: Sendable {
    /// The fully qualified method name.
    public let method: String
    /// The method name without its interface.
    public let member: String
    /// `more`, `oneway`, `upgrade` as the caller set them.
    public let flags: VarlinkCallFlags
    /// The caller's credentials, where the transport knows them.
    public let peer: VarlinkPeer?
    let message: [UInt8]
    let parametersRange: Range<Int>?
    let sink: @Sendable (_ reply: [UInt8], _ continues: Bool) async throws -> Void
    let state: CallState

    /// What a call remembers while its handler runs.
    final class CallState: Sendable {
        let upgradeHandler = Mutex<(@Sendable (any VarlinkUpgradedConnection) async throws -> Void)?>(nil)
        let replied = Mutex(false)
    }

    init(
        method: String, member: String, flags: VarlinkCallFlags, peer: VarlinkPeer?, message: [UInt8],
        parametersRange: Range<Int>?,
        sink: @escaping @Sendable (_ reply: [UInt8], _ continues: Bool) async throws -> Void
    ) {
        self.method = method
        self.member = member
        self.flags = flags
        self.peer = peer
        self.message = message
        self.parametersRange = parametersRange
        self.sink = sink
        self.state = CallState()
    }

    /// Decodes the call's parameters; unknown, missing or mistyped fields throw
    /// `org.varlink.service.InvalidParameter` naming the field.
    public func decodeParameters<P: Decodable>(_ type: P.Type) throws(VarlinkError) -> P {
        try VarlinkMessage.decodeCallParameters(type, from: message, range: parametersRange)
    }

    /// Sends a reply. A call made `oneway` gets none; a reply with `continues` needs a call made with `more`.
    public func reply(_ parameters: some Encodable, continues: Bool = false) async throws {
        if continues && !flags.contains(.more) { throw VarlinkError.expectedMore }
        if !continues { state.replied.withLock { $0 = true } }
        if flags.contains(.oneway) { return }
        try await sink(try VarlinkMessage.encodeReply(parameters, continues: continues), continues)
    }

    /// A typed context for the method's handler.
    public func context<Reply: Encodable & Sendable>(replying: Reply.Type) -> VarlinkCallContext<Reply> {
        VarlinkCallContext(call: self)
    }

    var upgradeHandler: (@Sendable (any VarlinkUpgradedConnection) async throws -> Void)? {
        state.upgradeHandler.withLock { $0 }
    }
}

/// What a method's handler knows of its call, and how it streams replies or takes over the connection.
public struct VarlinkCallContext<Reply: Encodable & Sendable>: Sendable {
    let call: VarlinkServerCall

    /// The fully qualified method name.
    public var method: String { call.method }
    /// Whether the caller accepts several replies.
    public var more: Bool { call.flags.contains(.more) }
    /// Whether the caller wants no reply.
    public var oneway: Bool { call.flags.contains(.oneway) }
    /// Whether the caller asked to upgrade the connection after the reply.
    public var upgrade: Bool { call.flags.contains(.upgrade) }
    /// The caller's credentials, where the transport knows them.
    public var peer: VarlinkPeer? { call.peer }

    /// The call exactly as it arrived (one JSON object, without the terminating NUL).
    public var rawMessage: [UInt8] { call.message }

    /// Throws `org.varlink.service.ExpectedMore` unless the caller asked for `more`: for methods that only stream.
    public func requireMore() throws(VarlinkError) {
        if !more { throw VarlinkError.expectedMore }
    }

    /// Throws `org.varlink.service.ExpectedUpgrade` unless the caller asked for `upgrade`: for methods that take
    /// over the connection.
    public func requireUpgrade() throws(VarlinkError) {
        if !upgrade { throw VarlinkError.expectedUpgrade }
    }

    /// Sends one reply of a stream (`continues: true`); the value the handler returns is the last one.
    /// Throws `ExpectedMore` when the caller did not ask for `more`.
    public func send(_ reply: Reply) async throws {
        try await call.reply(reply, continues: true)
    }

    /// Registers what runs after the reply when the caller asked to `upgrade`: it owns the raw connection.
    public func onUpgrade(_ handler: @escaping @Sendable (any VarlinkUpgradedConnection) async throws -> Void) {
        call.state.upgradeHandler.withLock { $0 = handler }
    }
}
