import VarlinkIDL

/// The translate stage: resolves an interface once into the model of the Swift to generate. Every Swift name, every
/// field's Swift type, the nested types that inline structs and enums become, and the entries of the error enum, the
/// server protocol and the client are decided here; the render stage prints the model without looking anything up.
struct SwiftTranslator {
    /// The interface to translate.
    let interface: InterfaceDefinition
    /// The generation settings: the header's file name and whether the runtime is imported.
    let options: SwiftGenerator.Options
    /// The Swift name of the interface's namespace, `OrgVarlinkCertification`.
    let namespace: String

    /// Creates a translator of `interface`.
    init(interface: InterfaceDefinition, options: SwiftGenerator.Options = .init()) {
        self.interface = interface
        self.options = options
        self.namespace = SwiftNames.namespace(forInterface: interface.name)
    }

    /// The Swift name of the interface's error enum.
    var errorTypeName: String { namespace + "Error" }
    /// The Swift name of the server protocol.
    var serviceName: String { namespace + "Service" }
    /// The Swift name of the client.
    var clientName: String { namespace + "Client" }

    /// The model of the whole file.
    func translate() -> SwiftFileModel {
        // Names taken inside the namespace: the members' own, then those given to the inline types of aliases.
        var namespaceNames = Set(interface.members.map { SwiftNames.typeName($0.name) })
        namespaceNames.formUnion(["interfaceName", "interfaceDescription"])
        var members: [DeclarationModel] = []
        var methods: [(definition: MethodDefinition, model: MethodModel)] = []
        var errors: [(definition: ErrorDefinition, model: ErrorModel)] = []
        for member in interface.members {
            switch member {
            case .type(let definition):
                members.append(translateType(definition, namespaceNames: &namespaceNames))
            case .method(let definition):
                let model = translateMethod(definition)
                members.append(.method(model))
                methods.append((definition, model))
            case .error(let definition):
                let model = translateError(definition)
                members.append(.error(model))
                errors.append((definition, model))
            }
        }
        let namespaceModel = NamespaceModel(
            name: namespace,
            documentation: documentation(interface.documentation, or: "The varlink interface `\(interface.name)`."),
            interfaceName: interface.name, interfaceDescription: InterfacePrinter().print(interface), members: members)
        return SwiftFileModel(
            sourceFileName: options.sourceFileName, importsRuntime: options.importsRuntime, namespace: namespaceModel,
            errorEnum: translateErrorEnum(errors), service: translateService(methods), client: translateClient(methods))
    }

    /// `lines`, or the one line `fallback` when the interface documents nothing.
    func documentation(_ lines: [String], or fallback: String) -> [String] {
        lines.isEmpty ? [fallback] : lines
    }
}
