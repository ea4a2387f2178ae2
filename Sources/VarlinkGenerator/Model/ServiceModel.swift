/// The server protocol: a requirement per method, and the dispatch from method names to them.
struct ServiceModel: Sendable, Hashable {
    /// The Swift name of the protocol, `OrgVarlinkServiceService`.
    var name: String
    /// The varlink interface name.
    var interfaceName: String
    /// The Swift name of the interface's namespace.
    var namespace: String
    /// The requirements and their dispatch cases, in the interface's order.
    var requirements: [EndpointEntryModel]
}
