/// A name given a type, with the `#` comment lines before it: a named type (`type Name T`) or a field of a struct
/// (`name: T`). The two are written and read alike, so one type serves for both.
public struct TypedName: Sendable, Hashable {
    /// The name: a type name, or a field name as on the wire.
    public var name: String
    /// The type: what a named type stands for, or the field's type.
    public var type: TypeExpression
    /// The `#` comment lines before it, without the `#` and one following space.
    public var documentation: [String]
    /// Where the name was written; ignored by `==`.
    @Uncompared public var location: SourceLocation?

    /// Creates a named type or a field.
    public init(name: String, type: TypeExpression, documentation: [String] = [], location: SourceLocation? = nil) {
        self.name = name
        self.type = type
        self.documentation = documentation
        self.location = location
    }
}

/// `type Name T`: a named struct, enum or alias of another type.
public typealias TypeDefinition = TypedName

/// A field of a struct: name, type and documentation.
public typealias FieldDefinition = TypedName
