/// The interface's error enum: a case per declared error, with its parameters as associated values.
struct ErrorEnumModel: Sendable, Hashable {
    /// A case of the enum.
    struct Case: Sendable, Hashable {
        /// The Swift case name, escaped where needed.
        var name: String
        /// The documentation comment.
        var documentation: [String]
        /// The qualified Swift name of the error's namespace, `OrgVarlinkService.InterfaceNotFound`.
        var errorType: String
        /// The error's parameters: the associated values.
        var fields: [FieldModel]
    }

    /// The Swift name, `OrgVarlinkServiceError`.
    var name: String
    /// The varlink interface name.
    var interfaceName: String
    /// The Swift name of the interface's namespace.
    var namespace: String
    /// The cases, in the interface's order.
    var cases: [Case]
}
