/// A parsed varlink interface: its name, documentation and members in file order.
public struct InterfaceDefinition: Sendable, Hashable {
    /// The reverse-domain interface name, e.g. `org.varlink.service`.
    public var name: String
    /// The `#` comment lines before the `interface` keyword.
    public var documentation: [String]
    /// Types, methods and errors, in the order written.
    public var members: [MemberDefinition]
    /// Where the interface name was written; ignored by `==`.
    @Uncompared public var location: SourceLocation?

    /// Creates an interface.
    public init(
        name: String, documentation: [String] = [], members: [MemberDefinition] = [], location: SourceLocation? = nil
    ) {
        self.name = name
        self.documentation = documentation
        self.members = members
        self.location = location
    }

    /// The named types, in file order.
    public var types: [TypeDefinition] {
        members.compactMap { if case .type(let t) = $0 { t } else { nil } }
    }
    /// The methods, in file order.
    public var methods: [MethodDefinition] {
        members.compactMap { if case .method(let m) = $0 { m } else { nil } }
    }
    /// The errors, in file order.
    public var errors: [ErrorDefinition] {
        members.compactMap { if case .error(let e) = $0 { e } else { nil } }
    }

    /// The named type called `name`, if any.
    public func type(named name: String) -> TypeDefinition? {
        types.first { $0.name == name }
    }
}

/// One member of an interface.
public enum MemberDefinition: Sendable, Hashable {
    /// `type Name T`
    case type(TypeDefinition)
    /// `method Name(in) -> (out)`
    case method(MethodDefinition)
    /// `error Name (parameters)`
    case error(ErrorDefinition)

    /// The member's name.
    public var name: String {
        switch self {
        case .type(let t): t.name
        case .method(let m): m.name
        case .error(let e): e.name
        }
    }

    /// The member's documentation.
    public var documentation: [String] {
        switch self {
        case .type(let t): t.documentation
        case .method(let m): m.documentation
        case .error(let e): e.documentation
        }
    }

    /// Where the member's name was written.
    public var location: SourceLocation? {
        switch self {
        case .type(let t): t.location
        case .method(let m): m.location
        case .error(let e): e.location
        }
    }
}

/// `method Name(input) -> (output)`.
public struct MethodDefinition: Sendable, Hashable {
    /// The method name (without the interface).
    public var name: String
    /// The input parameters.
    public var input: [FieldDefinition]
    /// The reply parameters.
    public var output: [FieldDefinition]
    /// The `#` comment lines before it.
    public var documentation: [String]
    /// Where the name was written; ignored by `==`.
    @Uncompared public var location: SourceLocation?

    /// Creates a method.
    public init(
        name: String, input: [FieldDefinition], output: [FieldDefinition], documentation: [String] = [],
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.input = input
        self.output = output
        self.documentation = documentation
        self.location = location
    }
}

/// `error Name (parameters)`.
public struct ErrorDefinition: Sendable, Hashable {
    /// The error name (without the interface).
    public var name: String
    /// The error's parameters.
    public var parameters: [FieldDefinition]
    /// The `#` comment lines before it.
    public var documentation: [String]
    /// Where the name was written; ignored by `==`.
    @Uncompared public var location: SourceLocation?

    /// Creates an error.
    public init(
        name: String, parameters: [FieldDefinition], documentation: [String] = [], location: SourceLocation? = nil
    ) {
        self.name = name
        self.parameters = parameters
        self.documentation = documentation
        self.location = location
    }
}
