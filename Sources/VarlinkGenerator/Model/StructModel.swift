/// A `Codable` struct: its fields, and the inline structs and enums of its fields nested inside it.
struct StructModel: Sendable, Hashable {
    /// The Swift name as declared, `Reply` or `InterfaceInfo`.
    var name: String
    /// The documentation comment.
    var documentation: [String]
    /// The fields, in the interface's order.
    var fields: [FieldModel]
    /// The types declared inside the struct for its fields' inline structs and enums.
    var nested: [DeclarationModel]
}
