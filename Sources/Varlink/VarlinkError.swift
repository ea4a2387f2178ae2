/// An error reply as it travels on the wire: a fully qualified error name and its parameters.
///
/// Errors declared in an interface have generated, typed forms (`VarlinkTypedError`); this is their common
/// representation and the form a client sees for errors it does not know.
public struct VarlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified error name, e.g. `org.varlink.service.MethodNotFound`.
    public var name: String
    /// The error's parameters (an empty object when it has none).
    public var parameters: [String: JSONValue]

    /// Creates an error reply.
    public init(name: String, parameters: [String: JSONValue] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    /// Creates an error reply whose parameters are encoded from `parameters`.
    public init(name: String, encoding parameters: some Encodable) {
        self.name = name
        self.parameters = (try? VarlinkJSON.value(of: parameters))?.objectValue ?? [:]
    }

    /// Decodes the parameters as `type`.
    public func decodeParameters<T: Decodable>(_ type: T.Type) throws -> T {
        try VarlinkJSON.convert(.object(parameters), to: type)
    }

    /// `Name(parameters)`.
    public var description: String {
        if parameters.isEmpty { return name }
        let text = (try? VarlinkJSON.encode(JSONValue.object(parameters))).map { String(decoding: $0, as: UTF8.self) }
        return "\(name)\(text ?? "")"
    }
}

extension VarlinkError {
    /// The interface of the standard errors.
    public static let serviceInterface = "org.varlink.service"

    /// `org.varlink.service.InterfaceNotFound(interface)`
    public static func interfaceNotFound(_ interface: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.InterfaceNotFound", parameters: ["interface": .string(interface)])
    }

    /// `org.varlink.service.MethodNotFound(method)`
    public static func methodNotFound(_ method: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.MethodNotFound", parameters: ["method": .string(method)])
    }

    /// `org.varlink.service.MethodNotImplemented(method)`
    public static func methodNotImplemented(_ method: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.MethodNotImplemented", parameters: ["method": .string(method)])
    }

    /// `org.varlink.service.InvalidParameter(parameter)`
    public static func invalidParameter(_ parameter: String) -> VarlinkError {
        VarlinkError(name: "org.varlink.service.InvalidParameter", parameters: ["parameter": .string(parameter)])
    }

    /// `org.varlink.service.PermissionDenied()`
    public static let permissionDenied = VarlinkError(name: "org.varlink.service.PermissionDenied")

    /// `org.varlink.service.ExpectedMore()`
    public static let expectedMore = VarlinkError(name: "org.varlink.service.ExpectedMore")

    /// `org.varlink.service.ExpectedUpgrade()`: the method needs the `upgrade` flag (UAPI.20).
    public static let expectedUpgrade = VarlinkError(name: "org.varlink.service.ExpectedUpgrade")
}

/// An error that knows its wire form: the dispatcher answers a call that threw one with `varlinkError`.
///
/// The generated error types conform; so can a layer's own error type (an engine's, say), in the one place that
/// decides which declared varlink error each of its codes becomes.
public protocol VarlinkErrorConvertible: Error {
    /// The wire form of this error.
    var varlinkError: VarlinkError { get }
}

/// An error type generated for an interface: one case per declared error, with its typed parameters.
public protocol VarlinkTypedError: VarlinkErrorConvertible, Sendable {
    /// The interface that declares these errors.
    static var interfaceName: String { get }
    /// The typed form of `error`, or nil when `error` is not one of this interface's errors.
    /// Throws when the name matches but the parameters do not decode.
    init?(varlinkError error: VarlinkError) throws
}
