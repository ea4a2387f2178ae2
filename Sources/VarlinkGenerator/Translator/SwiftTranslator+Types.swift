import VarlinkIDL

extension SwiftTranslator {
    /// The Swift type of `type`. References become qualified names in the namespace; an inline struct or enum becomes
    /// a declaration in `nested`, named after `suggestedName` (made unique among `used`) inside `scope`.
    func resolve(
        _ type: TypeExpression, suggestedName: String, scope: String, used: inout Set<String>,
        nested: inout [DeclarationModel], documentation: [String]
    ) -> SwiftType {
        /// The type inside an optional, array or dictionary, resolved with the same names and scope.
        func resolveWrapped(_ inner: TypeExpression) -> SwiftType {
            resolve(
                inner, suggestedName: suggestedName, scope: scope, used: &used, nested: &nested,
                documentation: documentation)
        }
        switch type {
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .string: return .string
        case .object: return .object
        case .any: return .any
        case .set: return .set
        case .reference(let reference): return .named("\(namespace).\(SwiftNames.typeName(reference.name))")
        case .optional(let inner): return .optional(resolveWrapped(inner))
        case .array(let inner): return .array(resolveWrapped(inner))
        case .map(let inner): return .map(resolveWrapped(inner))
        case .structure(let fields):
            let name = SwiftNames.unique(SwiftNames.typeName(suggestedName), in: &used)
            let qualified = "\(scope).\(name)"
            nested.append(
                .structure(
                    translateStruct(name: name, qualified: qualified, fields: fields, documentation: documentation)))
            return .named(qualified)
        case .enumeration(let values):
            let name = SwiftNames.unique(SwiftNames.typeName(suggestedName), in: &used)
            nested.append(.enumeration(translateEnum(name: name, values: values, documentation: documentation)))
            return .named("\(scope).\(name)")
        }
    }

    /// The fields of a struct whose qualified name is `scope`; their inline types go to `nested`.
    func translateFields(_ fields: [FieldDefinition], scope: String, nested: inout [DeclarationModel]) -> [FieldModel] {
        var usedTypes: Set<String> = ["CodingKeys"]
        var usedProperties: Set<String> = []
        return fields.map { field in
            let name = SwiftNames.unique(SwiftNames.lowerCamel(field.name), in: &usedProperties)
            let property = SwiftNames.identifier(name)
            let type = resolve(
                field.type, suggestedName: SwiftNames.upperCamel(field.name), scope: scope, used: &usedTypes,
                nested: &nested, documentation: ["The type of `\(field.name)`."])
            // An argument label needs no backticks, except for the few keywords that are not allowed bare there.
            let label = property.hasPrefix("`") && !["inout", "var", "let"].contains(name) ? name : property
            return FieldModel(
                name: field.name, documentation: documentation(field.documentation, or: "`\(field.name)`"),
                property: property, codingKey: property, label: label, type: type)
        }
    }

    /// A struct named `name` whose qualified name is `qualified`, with its fields and their nested types.
    func translateStruct(
        name: String, qualified: String, fields: [FieldDefinition], documentation: [String]
    ) -> StructModel {
        var nested: [DeclarationModel] = []
        let fields = translateFields(fields, scope: qualified, nested: &nested)
        return StructModel(name: name, documentation: documentation, fields: fields, nested: nested)
    }

    /// A string enum named `name`, a case per value.
    func translateEnum(name: String, values: [EnumValueDefinition], documentation: [String]) -> EnumModel {
        var used: Set<String> = []
        let cases = values.map { value in
            EnumModel.Case(
                name: SwiftNames.identifier(SwiftNames.unique(SwiftNames.lowerCamel(value.name), in: &used)),
                value: value.name, documentation: self.documentation(value.documentation, or: "`\(value.name)`"))
        }
        return EnumModel(name: name, documentation: documentation, cases: cases)
    }
}
