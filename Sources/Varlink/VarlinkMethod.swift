/// A varlink method as seen by generic code: its name, parameters, reply and the errors of its interface.
/// Generated code declares one conforming type per method.
public protocol VarlinkMethod: Sendable {
    /// The call's parameters.
    associatedtype Parameters: Codable & Sendable
    /// One reply.
    associatedtype Reply: Codable & Sendable
    /// The errors its interface declares.
    associatedtype Failure: VarlinkTypedError
    /// The fully qualified method name, e.g. `org.varlink.service.GetInfo`.
    static var methodName: String { get }
}

/// Marks a call that asks for several replies (`more`): `client.monitor(.more)`.
public enum VarlinkMore: Sendable {
    /// Ask for a stream of replies.
    case more
}

/// Marks a call that wants no reply (`oneway`).
public enum VarlinkOneway: Sendable {
    /// Send the call and do not wait for a reply.
    case oneway
}

/// Marks a call that asks to take over the connection after its reply (`upgrade`).
public enum VarlinkUpgrade: Sendable {
    /// After the reply, the connection carries another protocol.
    case upgrade
}

/// The flags of a call.
public struct VarlinkCallFlags: OptionSet, Sendable, Hashable {
    /// The option bits.
    public var rawValue: UInt8
    /// Creates flags from bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The caller accepts several replies.
    public static let more = VarlinkCallFlags(rawValue: 1)
    /// The caller wants no reply.
    public static let oneway = VarlinkCallFlags(rawValue: 2)
    /// The caller will hand the connection to the method after its reply.
    public static let upgrade = VarlinkCallFlags(rawValue: 4)
}
