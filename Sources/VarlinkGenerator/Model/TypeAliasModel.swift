/// A `typealias` for a named type that is neither a struct nor an enum, such as `type Names []string`.
struct TypeAliasModel: Sendable, Hashable {
    /// The Swift name.
    var name: String
    /// The documentation comment.
    var documentation: [String]
    /// The aliased Swift type.
    var type: SwiftType
    /// The types declared beside the alias for the inline structs and enums inside its type.
    var nested: [DeclarationModel]
}
