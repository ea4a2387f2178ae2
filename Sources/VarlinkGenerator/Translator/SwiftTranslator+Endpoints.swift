import VarlinkIDL

extension SwiftTranslator {
    /// The error enum: a case per error, its associated values the fields of the error's `Parameters`.
    func translateErrorEnum(_ errors: [(definition: ErrorDefinition, model: ErrorModel)]) -> ErrorEnumModel {
        var usedCases: Set<String> = []
        let cases = errors.map { error in
            EndpointEntryModel(
                varlinkName: error.definition.name,
                name: SwiftNames.identifier(
                    SwiftNames.unique(SwiftNames.lowerCamel(error.definition.name), in: &usedCases)),
                documentation: documentation(error.definition.documentation, or: "`\(error.definition.name)`"),
                type: "\(namespace).\(error.model.name)", fields: error.model.parameters.fields)
        }
        return ErrorEnumModel(name: errorTypeName, interfaceName: interface.name, namespace: namespace, cases: cases)
    }

    /// The server protocol: a requirement and a dispatch case per method.
    func translateService(_ methods: [(definition: MethodDefinition, model: MethodModel)]) -> ServiceModel {
        ServiceModel(
            name: serviceName, interfaceName: interface.name, namespace: namespace,
            requirements: methods.map { entry($0, or: "`\($0.definition.name)`") })
    }

    /// The client: the calls of each method, their arguments the fields of the method's `Parameters`.
    func translateClient(_ methods: [(definition: MethodDefinition, model: MethodModel)]) -> ClientModel {
        let functionNames = Set(methods.map { SwiftNames.lowerCamel($0.definition.name) })
        return ClientModel(
            name: clientName, interfaceName: interface.name,
            connectionProperty: functionNames.contains("connection") ? "varlinkConnection" : "connection",
            calls: methods.map { entry($0, or: "Calls `\($0.definition.name)`.") })
    }

    /// A method as the protocol and the client list it, under the same Swift function name in both; documented as
    /// the interface documents it, or with `fallback`.
    private func entry(
        _ method: (definition: MethodDefinition, model: MethodModel), or fallback: String
    ) -> EndpointEntryModel {
        EndpointEntryModel(
            varlinkName: method.definition.name,
            name: SwiftNames.identifier(SwiftNames.lowerCamel(method.definition.name)),
            documentation: documentation(method.definition.documentation, or: fallback),
            type: "\(namespace).\(method.model.name)", fields: method.model.parameters.fields)
    }
}
