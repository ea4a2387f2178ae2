/// The typed client: per method, a call with one reply, a `more` stream, a `oneway` send and an `upgrade`.
struct ClientModel: Sendable, Hashable {
    /// The calls of one method.
    struct Call: Sendable, Hashable {
        /// The Swift function name.
        var functionName: String
        /// The documentation comment.
        var documentation: [String]
        /// The qualified Swift name of the method's namespace.
        var methodType: String
        /// The method's parameters: the function's arguments.
        var parameters: [FieldModel]
    }

    /// The Swift name of the client, `OrgVarlinkServiceClient`.
    var name: String
    /// The varlink interface name.
    var interfaceName: String
    /// The property that holds the untyped client (`connection`, unless a method takes that name).
    var connectionProperty: String
    /// The calls, in the interface's order.
    var calls: [Call]
}
