/// A varlink type as written in an interface: a base type (`any` among them), a reference to a named type, an inline
/// struct or enum, or a `?`, `[]`, `[string]` wrapper around another type, or a `[string]()` set.
public indirect enum TypeExpression: Sendable, Hashable {
    /// `bool`
    case bool
    /// `int`: a 64-bit signed integer.
    case int
    /// `float`: a double-precision number.
    case float
    /// `string`
    case string
    /// `object`: a foreign JSON object, passed through untyped.
    case object
    /// `any`: any JSON value (boolean, number, string, object or array) but `null`, passed through untyped. It may
    /// be wrapped like any other type; `?any` is the one that also allows `null` (or an absent field).
    case any
    /// A named type defined in the same interface (`type Name ...`).
    case reference(TypeReference)
    /// An inline struct: `(name: type, ...)`; `()` is the empty struct.
    case structure([FieldDefinition])
    /// An inline enum: `(one, two, three)`.
    case enumeration([EnumValueDefinition])
    /// `?T`: the value may be absent (or null).
    case optional(TypeExpression)
    /// `[]T`
    case array(TypeExpression)
    /// `[string]T`: a JSON object with string keys.
    case map(TypeExpression)
    /// `[string]()`: a set of strings (a JSON object whose values are empty objects).
    case set

    /// Whether this is a struct or an enum (the types that need a name of their own in generated code).
    public var isCompound: Bool {
        switch self {
        case .structure, .enumeration: true
        default: false
        }
    }
}

/// A use of a named type, remembered with where it was written.
public struct TypeReference: Sendable, Hashable {
    /// The name of the referenced type.
    public var name: String
    /// Where the reference was written; ignored by `==`.
    @Uncompared public var location: SourceLocation?

    /// Creates a reference.
    public init(name: String, location: SourceLocation? = nil) {
        self.name = name
        self.location = location
    }
}

/// A value of an enum.
public struct EnumValueDefinition: Sendable, Hashable {
    /// The value, as on the wire.
    public var name: String
    /// The `#` comment lines before the value.
    public var documentation: [String]
    /// Where the value was written; ignored by `==`.
    @Uncompared public var location: SourceLocation?

    /// Creates an enum value.
    public init(name: String, documentation: [String] = [], location: SourceLocation? = nil) {
        self.name = name
        self.documentation = documentation
        self.location = location
    }
}
