import VarlinkIDL

extension SwiftTranslator {
    /// The error enum: a case per error, its associated values the fields of the error's `Parameters`.
    func translateErrorEnum(_ errors: [(definition: ErrorDefinition, model: ErrorModel)]) -> ErrorEnumModel {
        var usedCases: Set<String> = []
        let cases = errors.map { error in
            ErrorEnumModel.Case(
                name: SwiftNames.identifier(
                    SwiftNames.unique(SwiftNames.lowerCamel(error.definition.name), in: &usedCases)),
                documentation: documentation(error.definition.documentation, or: "`\(error.definition.name)`"),
                errorType: "\(namespace).\(error.model.name)", fields: error.model.parameters.fields)
        }
        return ErrorEnumModel(name: errorTypeName, interfaceName: interface.name, namespace: namespace, cases: cases)
    }

    /// The server protocol: a requirement and a dispatch case per method.
    func translateService(_ methods: [(definition: MethodDefinition, model: MethodModel)]) -> ServiceModel {
        let requirements = methods.map { method in
            ServiceModel.Requirement(
                methodName: method.definition.name, functionName: functionName(method.definition),
                documentation: documentation(method.definition.documentation, or: "`\(method.definition.name)`"),
                methodType: "\(namespace).\(method.model.name)")
        }
        return ServiceModel(
            name: serviceName, interfaceName: interface.name, namespace: namespace, requirements: requirements)
    }

    /// The client: the calls of each method, their arguments the fields of the method's `Parameters`.
    func translateClient(_ methods: [(definition: MethodDefinition, model: MethodModel)]) -> ClientModel {
        let functionNames = Set(methods.map { SwiftNames.lowerCamel($0.definition.name) })
        let calls = methods.map { method in
            ClientModel.Call(
                functionName: functionName(method.definition),
                documentation: documentation(method.definition.documentation, or: "Calls `\(method.definition.name)`."),
                methodType: "\(namespace).\(method.model.name)", parameters: method.model.parameters.fields)
        }
        return ClientModel(
            name: clientName, interfaceName: interface.name,
            connectionProperty: functionNames.contains("connection") ? "varlinkConnection" : "connection",
            calls: calls)
    }

    /// The Swift function of a method, in the protocol and in the client.
    private func functionName(_ method: MethodDefinition) -> String {
        SwiftNames.identifier(SwiftNames.lowerCamel(method.name))
    }
}
