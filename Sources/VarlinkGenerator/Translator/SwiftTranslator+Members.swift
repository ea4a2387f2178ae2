import VarlinkIDL

extension SwiftTranslator {
    /// A named type: a struct, an enum, or an alias whose inline types are declared beside it in the namespace
    /// (their names taken from `namespaceNames`).
    func translateType(_ definition: TypeDefinition, namespaceNames: inout Set<String>) -> DeclarationModel {
        let name = SwiftNames.typeName(definition.name)
        let documentation = documentation(definition.documentation, or: "`\(definition.name)`")
        switch definition.type {
        case .structure(let fields):
            return .structure(
                translateStruct(
                    name: name, qualified: "\(namespace).\(name)", fields: fields, documentation: documentation))
        case .enumeration(let values):
            return .enumeration(translateEnum(name: name, values: values, documentation: documentation))
        default:
            var nested: [DeclarationModel] = []
            let type = resolve(
                definition.type, suggestedName: definition.name + "Element", scope: namespace, used: &namespaceNames,
                nested: &nested, documentation: ["An element of `\(definition.name)`."])
            return .typeAlias(TypeAliasModel(name: name, documentation: documentation, type: type, nested: nested))
        }
    }

    /// A method's namespace with its parameters and reply.
    func translateMethod(_ method: MethodDefinition) -> MethodModel {
        let name = SwiftNames.typeName(method.name)
        let qualified = "\(namespace).\(name)"
        return MethodModel(
            name: name, documentation: documentation(method.documentation, or: "The method `\(method.name)`."),
            methodName: "\(interface.name).\(method.name)", failure: errorTypeName,
            parameters: translateStruct(
                name: "Parameters", qualified: "\(qualified).Parameters", fields: method.input,
                documentation: ["The parameters of `\(method.name)`."]),
            reply: translateStruct(
                name: "Reply", qualified: "\(qualified).Reply", fields: method.output,
                documentation: ["The reply of `\(method.name)`."]))
    }

    /// An error's namespace with its parameters.
    func translateError(_ error: ErrorDefinition) -> ErrorModel {
        let name = SwiftNames.typeName(error.name)
        return ErrorModel(
            name: name, documentation: documentation(error.documentation, or: "The error `\(error.name)`."),
            errorName: "\(interface.name).\(error.name)",
            parameters: translateStruct(
                name: "Parameters", qualified: "\(namespace).\(name).Parameters", fields: error.parameters,
                documentation: ["The parameters of `\(error.name)`."]))
    }
}
