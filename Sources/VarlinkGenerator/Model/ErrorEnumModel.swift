/// The interface's error enum: a case per declared error, with its parameters as associated values.
struct ErrorEnumModel: Sendable, Hashable {
    /// The Swift name, `OrgVarlinkServiceError`.
    var name: String
    /// The varlink interface name.
    var interfaceName: String
    /// The Swift name of the interface's namespace.
    var namespace: String
    /// The cases, in the interface's order.
    var cases: [EndpointEntryModel]
}
