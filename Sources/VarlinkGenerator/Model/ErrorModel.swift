/// The namespace enum of an error: its name and its parameters.
struct ErrorModel: Sendable, Hashable {
    /// The Swift name of the enum.
    var name: String
    /// The documentation comment.
    var documentation: [String]
    /// The fully qualified varlink name, `org.varlink.service.InterfaceNotFound`.
    var errorName: String
    /// The `Parameters` struct.
    var parameters: StructModel
}
