public import Logging

/// A varlink service: the interfaces it offers, `org.varlink.service` answered for them, and the dispatch of calls.
/// Transports hand it one message at a time; it knows nothing of sockets.
public final class VarlinkService: Sendable {
    /// What `GetInfo` reports.
    public struct Info: Sendable, Hashable {
        /// The vendor.
        public var vendor: String
        /// The product.
        public var product: String
        /// The product version.
        public var version: String
        /// Where to learn more.
        public var url: String

        /// Creates the service description.
        public init(vendor: String, product: String, version: String, url: String) {
            self.vendor = vendor
            self.product = product
            self.version = version
            self.url = url
        }
    }

    /// What a call that wanted to upgrade continues with, once its reply is sent.
    public typealias UpgradeHandler = @Sendable (any VarlinkUpgradedConnection) async throws -> Void

    /// The service description.
    public let info: Info
    /// Maps an error a handler threw that is not a varlink error to one its interface declares; nil when the
    /// error cannot be mapped (the call is then answered by closing the connection, and the error is logged).
    public let errorMapper: (@Sendable (any Error, _ method: String) -> VarlinkError?)?
    /// Decides whether a peer may call at all; a refused call gets `org.varlink.service.PermissionDenied`.
    public let authorizer: (@Sendable (VarlinkPeer?) -> Bool)?
    let handlers: [String: any VarlinkInterfaceHandler]
    let logger: Logger

    /// Creates a service offering `interfaces` (and `org.varlink.service`).
    public init(
        info: Info, interfaces: [any VarlinkInterfaceHandler], logger: Logger = Logger(label: "varlink"),
        errorMapper: (@Sendable (any Error, _ method: String) -> VarlinkError?)? = nil,
        authorizer: (@Sendable (VarlinkPeer?) -> Bool)? = nil
    ) {
        self.authorizer = authorizer
        let builtIn = OrgVarlinkServiceImplementation(info: info, interfaces: interfaces)
        var handlers: [String: any VarlinkInterfaceHandler] = [builtIn.interfaceName: builtIn]
        for handler in interfaces { handlers[handler.interfaceName] = handler }
        self.info = info
        self.handlers = handlers
        self.logger = logger
        self.errorMapper = errorMapper
    }

    /// A handler raised an error that no interface declares: the connection must be closed.
    public struct UndeclaredError: Error, Sendable {
        /// The method that raised it.
        public var method: String
        /// What it raised.
        public var description: String
    }

    /// Whether `peer` may call (the authorizer's answer; everyone without one).
    public func authorize(_ peer: VarlinkPeer?) -> Bool {
        authorizer?(peer) ?? true
    }

    /// Handles one message: decodes the call, dispatches it, and sends its reply or error through `send` (nothing
    /// for `oneway`). `authorized` is the decision taken for the connection (asked of the authorizer when nil).
    /// Returns what to run with the connection when the call upgraded it.
    /// Throws `VarlinkMessage.MalformedMessage` or `UndeclaredError` when the connection must be closed.
    public func handle(
        message: [UInt8], peer: VarlinkPeer?, authorized: Bool? = nil,
        send: @escaping @Sendable (_ reply: [UInt8], _ continues: Bool) async throws -> Void
    ) async throws -> UpgradeHandler? {
        let header = try VarlinkMessage.decodeCallHeader(message)
        let call: VarlinkServerCall
        do {
            guard authorized ?? authorize(peer) else { throw VarlinkError.permissionDenied }
            let (interface, member) = try Self.split(header.method)
            guard let handler = handlers[interface] else { throw VarlinkError.interfaceNotFound(interface) }
            call = VarlinkServerCall(
                method: header.method, member: member, flags: header.flags, peer: peer, message: message,
                parametersRange: header.parameters, sink: send)
            try await handler.handle(call)
        } catch {
            let reply: VarlinkError
            switch error {
            case let error as VarlinkError: reply = error
            case let error as any VarlinkErrorConvertible: reply = error.varlinkError
            case is CancellationError: throw error
            default:
                guard let mapped = errorMapper?(error, header.method) else {
                    logger.error("\(header.method) raised an undeclared error: \(error)")
                    throw UndeclaredError(method: header.method, description: "\(error)")
                }
                reply = mapped
            }
            if !header.flags.contains(.oneway) {
                try await send(try VarlinkMessage.encodeError(reply), false)
            }
            return nil
        }
        guard header.flags.contains(.upgrade) else { return nil }
        return call.upgradeHandler
    }

    static func split(_ method: String) throws(VarlinkError) -> (interface: String, member: String) {
        guard let dot = method.lastIndex(of: "."), dot != method.startIndex, method.index(after: dot) != method.endIndex
        else {
            throw VarlinkError.methodNotFound(method)
        }
        return (String(method[..<dot]), String(method[method.index(after: dot)...]))
    }
}
