/// A method or an error as the endpoints list it: a case of the error enum, a requirement of the server protocol and
/// its dispatch case, or the calls of the client.
struct EndpointEntryModel: Sendable, Hashable {
    /// The varlink name without the interface, `GetInfo`: the protocol's dispatch case.
    var varlinkName: String
    /// The Swift name, escaped where needed: the enum case, or the function of the protocol and the client.
    var name: String
    /// The documentation comment.
    var documentation: [String]
    /// The qualified Swift name of the method's or error's namespace, `OrgVarlinkService.GetInfo`.
    var type: String
    /// The fields of its `Parameters`: the case's associated values, or the client's arguments.
    var fields: [FieldModel]
}
