import VarlinkIDL

extension GenerationContext {
    /// The namespace enum: names, interface text, named types, and a namespace per method and per error.
    mutating func emitNamespace(_ w: inout CodeWriter) {
        w.doc(
            interface.documentation.isEmpty ? ["The varlink interface `\(interface.name)`."] : interface.documentation)
        w.block("public enum \(namespace)") { w in
            w.line("/// The interface name.")
            w.line("public static let interfaceName = \(SwiftNames.stringLiteral(interface.name))")
            w.line()
            w.line("/// The interface definition, as `org.varlink.service.GetInterfaceDescription` returns it.")
            w.line("public static let interfaceDescription = \(rawLiteral(InterfacePrinter().print(interface)))")
            for member in interface.members {
                w.line()
                switch member {
                case .type(let definition): emitNamedType(&w, definition)
                case .method(let method): emitMethod(&w, method)
                case .error(let error): emitErrorNamespace(&w, error)
                }
            }
        }
    }

    private func rawLiteral(_ text: String) -> String {
        var hashes = "#"
        while text.contains("\"\"\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        let indent = "        "
        let body = lines.map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
        return "\(hashes)\"\"\"\n\(body)\n\(indent)\n\(indent)\"\"\"\(hashes)"
    }

    private mutating func emitNamedType(_ w: inout CodeWriter, _ definition: TypeDefinition) {
        let name = SwiftNames.typeName(definition.name)
        let qualified = "\(namespace).\(name)"
        let documentation = definition.documentation.isEmpty ? ["`\(definition.name)`"] : definition.documentation
        switch definition.type {
        case .structure(let fields):
            emitStruct(&w, name: name, qualified: qualified, fields: fields, documentation: documentation)
        case .enumeration(let values):
            emitEnum(&w, name: name, values: values, documentation: documentation)
        default:
            var nested: [NestedDeclaration] = []
            var used = namespaceNames
            let resolved = resolve(
                definition.type, suggestedName: definition.name + "Element", scope: namespace, used: &used,
                nested: &nested, documentation: ["An element of `\(definition.name)`."])
            namespaceNames = used
            w.doc(documentation)
            w.line("public typealias \(name) = \(resolved.swift)")
            emitNested(&w, nested)
        }
    }

    private func emitMethod(_ w: inout CodeWriter, _ method: MethodDefinition) {
        let name = SwiftNames.typeName(method.name)
        let qualified = "\(namespace).\(name)"
        w.doc(method.documentation.isEmpty ? ["The method `\(method.name)`."] : method.documentation)
        w.block("public enum \(name): Varlink.VarlinkMethod") { w in
            w.line("/// The fully qualified method name.")
            w.line(
                "public static let methodName = \(SwiftNames.stringLiteral("\(interface.name).\(method.name)"))")
            w.line("/// The errors of this method's interface.")
            w.line("public typealias Failure = \(errorTypeName)")
            w.line()
            emitStruct(
                &w, name: "Parameters", qualified: "\(qualified).Parameters", fields: method.input,
                documentation: ["The parameters of `\(method.name)`."])
            w.line()
            emitStruct(
                &w, name: "Reply", qualified: "\(qualified).Reply", fields: method.output,
                documentation: ["The reply of `\(method.name)`."])
        }
    }

    private func emitErrorNamespace(_ w: inout CodeWriter, _ error: ErrorDefinition) {
        let name = SwiftNames.typeName(error.name)
        w.doc(error.documentation.isEmpty ? ["The error `\(error.name)`."] : error.documentation)
        w.block("public enum \(name)") { w in
            w.line("/// The fully qualified error name.")
            w.line("public static let errorName = \(SwiftNames.stringLiteral("\(interface.name).\(error.name)"))")
            w.line()
            emitStruct(
                &w, name: "Parameters", qualified: "\(namespace).\(name).Parameters", fields: error.parameters,
                documentation: ["The parameters of `\(error.name)`."])
        }
    }

    /// The interface's error enum: one case per declared error, with its parameters as associated values.
    func emitErrorEnum(_ w: inout CodeWriter) {
        let errors = interface.errors
        w.line("/// The errors `\(interface.name)` declares, with their typed parameters.")
        w.block("public enum \(errorTypeName): Varlink.VarlinkTypedError, Swift.Hashable") { w in
            var usedCases: Set<String> = []
            var cases: [(error: ErrorDefinition, name: String, fields: [ResolvedField])] = []
            for error in errors {
                let caseName = SwiftNames.identifier(
                    SwiftNames.unique(SwiftNames.lowerCamel(error.name), in: &usedCases))
                var nested: [NestedDeclaration] = []
                let fields = resolveFields(
                    error.parameters, scope: "\(namespace).\(SwiftNames.typeName(error.name)).Parameters",
                    nested: &nested)
                cases.append((error, caseName, fields))
                w.doc(error.documentation.isEmpty ? ["`\(error.name)`"] : error.documentation)
                if fields.isEmpty {
                    w.line("case \(caseName)")
                } else {
                    let associated = fields.map { "\($0.property): \($0.type.swift)" }.joined(separator: ", ")
                    w.line("case \(caseName)(\(associated))")
                }
            }
            w.line()
            w.line("/// The interface that declares these errors.")
            w.line("public static var interfaceName: Swift.String { \(namespace).interfaceName }")
            w.line()
            w.line("/// The wire form of the error.")
            w.block("public var varlinkError: Varlink.VarlinkError") { w in
                if cases.isEmpty {
                    w.line("switch self {}")
                    return
                }
                w.block("switch self") { w in
                    for entry in cases {
                        let type = "\(namespace).\(SwiftNames.typeName(entry.error.name))"
                        let bindings = entry.fields.map { "let \($0.property)" }.joined(separator: ", ")
                        let arguments = entry.fields.map { "\($0.label): \($0.property)" }.joined(separator: ", ")
                        w.line("case .\(entry.name)\(entry.fields.isEmpty ? "" : "(\(bindings))"):")
                        w.line(
                            "    return Varlink.VarlinkError(name: \(type).errorName, encoding: \(type).Parameters(\(arguments)))"
                        )
                    }
                }
            }
            w.line()
            w.line("/// The typed form of `error`, or nil when it is not one of this interface's errors.")
            w.block("public init?(varlinkError error: Varlink.VarlinkError) throws") { w in
                w.block("switch error.name") { w in
                    for entry in cases {
                        let type = "\(namespace).\(SwiftNames.typeName(entry.error.name))"
                        w.line("case \(type).errorName:")
                        if entry.fields.isEmpty {
                            w.line("    self = .\(entry.name)")
                        } else {
                            w.line("    let parameters = try error.decodeParameters(\(type).Parameters.self)")
                            let arguments = entry.fields.map { "\($0.label): parameters.\($0.property)" }
                            w.line("    self = .\(entry.name)(\(arguments.joined(separator: ", ")))")
                        }
                    }
                    w.line("default:")
                    w.line("    return nil")
                }
            }
        }
    }
}
