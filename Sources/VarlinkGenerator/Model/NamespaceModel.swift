/// The namespace enum of an interface (`OrgVarlinkService`): its name and text, then a declaration per member.
struct NamespaceModel: Sendable, Hashable {
    /// The Swift name of the enum, `OrgVarlinkService`.
    var name: String
    /// The documentation comment of the enum.
    var documentation: [String]
    /// The varlink interface name, `org.varlink.service`.
    var interfaceName: String
    /// The interface in canonical form, as `GetInterfaceDescription` returns it.
    var interfaceDescription: String
    /// A declaration per member of the interface, in the interface's order.
    var members: [DeclarationModel]
}
