/// A declaration inside the namespace, or a type nested inside another declaration.
enum DeclarationModel: Sendable, Hashable {
    /// A struct: a varlink struct type, or the parameters or reply of a method or error.
    case structure(StructModel)
    /// A string enum.
    case enumeration(EnumModel)
    /// A named type that is neither a struct nor an enum (`type Names []string`).
    case typeAlias(TypeAliasModel)
    /// The namespace of a method.
    case method(MethodModel)
    /// The namespace of an error.
    case error(ErrorModel)
}
