/// The namespace enum of a method: its name, its error type, its parameters and its reply.
struct MethodModel: Sendable, Hashable {
    /// The Swift name of the enum.
    var name: String
    /// The documentation comment.
    var documentation: [String]
    /// The fully qualified varlink name, `org.varlink.service.GetInfo`.
    var methodName: String
    /// The Swift type of the interface's errors.
    var failure: String
    /// The `Parameters` struct.
    var parameters: StructModel
    /// The `Reply` struct.
    var reply: StructModel
}
