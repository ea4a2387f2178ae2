/// The typed client: per method, a call with one reply, a `more` stream, a `oneway` send and an `upgrade`.
struct ClientModel: Sendable, Hashable {
    /// The Swift name of the client, `OrgVarlinkServiceClient`.
    var name: String
    /// The varlink interface name.
    var interfaceName: String
    /// The property that holds the untyped client (`connection`, unless a method takes that name).
    var connectionProperty: String
    /// The calls of each method, in the interface's order.
    var calls: [EndpointEntryModel]
}
