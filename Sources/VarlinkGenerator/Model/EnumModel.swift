/// A `String` enum for a varlink enum.
struct EnumModel: Sendable, Hashable {
    /// A case of the enum.
    struct Case: Sendable, Hashable {
        /// The Swift case name, escaped where needed.
        var name: String
        /// The varlink value: the raw value.
        var value: String
        /// The documentation comment.
        var documentation: [String]
    }

    /// The Swift name.
    var name: String
    /// The documentation comment.
    var documentation: [String]
    /// The cases, in the interface's order.
    var cases: [Case]
}
