/// The server protocol: a requirement per method, and the dispatch from method names to them.
struct ServiceModel: Sendable, Hashable {
    /// A method of the protocol and its dispatch case.
    struct Requirement: Sendable, Hashable {
        /// The varlink method name without the interface, the dispatch case: `GetInfo`.
        var methodName: String
        /// The Swift function name.
        var functionName: String
        /// The documentation comment.
        var documentation: [String]
        /// The qualified Swift name of the method's namespace.
        var methodType: String
    }

    /// The Swift name of the protocol, `OrgVarlinkServiceService`.
    var name: String
    /// The varlink interface name.
    var interfaceName: String
    /// The Swift name of the interface's namespace.
    var namespace: String
    /// The requirements, in the interface's order.
    var requirements: [Requirement]
}
