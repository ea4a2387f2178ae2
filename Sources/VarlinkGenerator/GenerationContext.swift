import VarlinkIDL

/// The state of generating one interface: its names and how its types resolve.
struct GenerationContext {
    let interface: InterfaceDefinition
    /// `OrgVarlinkCertification`
    let namespace: String
    /// Names taken inside the namespace.
    var namespaceNames: Set<String>

    init(interface: InterfaceDefinition) {
        self.interface = interface
        self.namespace = SwiftNames.namespace(forInterface: interface.name)
        self.namespaceNames = Set(interface.members.map { SwiftNames.typeName($0.name) })
        namespaceNames.formUnion(["interfaceName", "interfaceDescription"])
    }

    var errorTypeName: String { namespace + "Error" }
    var serviceName: String { namespace + "Service" }
    var clientName: String { namespace + "Client" }

    /// An inline struct or enum that gets a generated name inside its parent.
    enum NestedDeclaration {
        case structure(name: String, qualified: String, fields: [FieldDefinition], documentation: [String])
        case enumeration(name: String, qualified: String, values: [EnumValueDefinition], documentation: [String])
    }

    /// A field as generated code sees it.
    struct ResolvedField {
        let field: FieldDefinition
        let property: String  // escaped if needed
        let key: String  // CodingKeys case, escaped if needed
        let type: SwiftType

        /// The name as an argument label at a call site (keywords need no backticks there).
        var label: String {
            let bare = property.trimmingCharacters(in: "`")
            return ["inout", "var", "let"].contains(bare) ? property : bare
        }
    }

    /// Resolves a type, naming inline structs and enums after `suggestedName` inside `scope`.
    func resolve(
        _ type: TypeExpression, suggestedName: String, scope: String, used: inout Set<String>,
        nested: inout [NestedDeclaration], documentation: [String]
    ) -> SwiftType {
        switch type {
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .string: return .string
        case .object: return .object
        case .set: return .set
        case .reference(let reference): return .named("\(namespace).\(SwiftNames.typeName(reference.name))")
        case .optional(let inner):
            return .optional(
                resolve(
                    inner, suggestedName: suggestedName, scope: scope, used: &used, nested: &nested,
                    documentation: documentation))
        case .array(let inner):
            return .array(
                resolve(
                    inner, suggestedName: suggestedName, scope: scope, used: &used, nested: &nested,
                    documentation: documentation))
        case .map(let inner):
            return .map(
                resolve(
                    inner, suggestedName: suggestedName, scope: scope, used: &used, nested: &nested,
                    documentation: documentation))
        case .structure(let fields):
            let name = SwiftNames.unique(SwiftNames.typeName(suggestedName), in: &used)
            nested.append(
                .structure(name: name, qualified: "\(scope).\(name)", fields: fields, documentation: documentation))
            return .named("\(scope).\(name)")
        case .enumeration(let values):
            let name = SwiftNames.unique(SwiftNames.typeName(suggestedName), in: &used)
            nested.append(
                .enumeration(name: name, qualified: "\(scope).\(name)", values: values, documentation: documentation))
            return .named("\(scope).\(name)")
        }
    }

    func resolveFields(
        _ fields: [FieldDefinition], scope: String, nested: inout [NestedDeclaration]
    )
        -> [ResolvedField]
    {
        var usedTypes: Set<String> = ["CodingKeys"]
        var usedProperties: Set<String> = []
        return fields.map { field in
            let base = SwiftNames.lowerCamel(field.name)
            let property = SwiftNames.unique(base, in: &usedProperties)
            let type = resolve(
                field.type, suggestedName: SwiftNames.upperCamel(field.name), scope: scope, used: &usedTypes,
                nested: &nested,
                documentation: ["The type of `\(field.name)`."])
            return ResolvedField(
                field: field, property: SwiftNames.identifier(property), key: SwiftNames.identifier(property),
                type: type)
        }
    }

    /// `public struct Name { ... }` with its fields, memberwise initializer, strict `Codable` and nested types.
    func emitStruct(
        _ w: inout CodeWriter, name: String, qualified: String, fields: [FieldDefinition], documentation: [String],
        conformances: [String] = []
    ) {
        var nested: [NestedDeclaration] = []
        let resolved = resolveFields(fields, scope: qualified, nested: &nested)
        w.doc(documentation)
        let protocols = ["Swift.Codable", "Swift.Sendable", "Swift.Hashable"] + conformances
        w.block("public struct \(name): \(protocols.joined(separator: ", "))") { w in
            for field in resolved {
                w.doc(field.field.documentation.isEmpty ? ["`\(field.field.name)`"] : field.field.documentation)
                w.line("public var \(field.property): \(field.type.swift)")
            }
            if !resolved.isEmpty { w.line() }
            w.line("/// Creates a value from its fields.")
            let arguments = resolved.map { field in
                "\(field.property): \(field.type.swift)\(field.type.isOptional ? " = nil" : "")"
            }
            w.block("public init(\(arguments.joined(separator: ", ")))") { w in
                for field in resolved { w.line("self.\(field.property) = \(field.property)") }
            }
            w.line()
            let knownKeys = resolved.map { SwiftNames.stringLiteral($0.field.name) }.joined(separator: ", ")
            if !resolved.isEmpty {
                w.block("private enum CodingKeys: Swift.String, Swift.CodingKey") { w in
                    for field in resolved {
                        w.line("case \(field.key) = \(SwiftNames.stringLiteral(field.field.name))")
                    }
                }
                w.line()
            }
            w.line("/// Decodes the value; in strict mode (call parameters) unknown fields are rejected.")
            w.block("public init(from decoder: any Swift.Decoder) throws") { w in
                w.line("try Varlink.VarlinkJSON.checkKnownKeys(decoder, [\(knownKeys)])")
                if resolved.isEmpty {
                    w.line("_ = try decoder.container(keyedBy: Varlink.AnyCodingKey.self)")
                } else {
                    w.line("let container = try decoder.container(keyedBy: CodingKeys.self)")
                }
                for field in resolved {
                    let target = "self.\(field.property)"
                    if case .optional(let inner) = field.type {
                        let decoded = "try container.varlinkDecodeIfPresent(\(inner.wire).self, forKey: .\(field.key))"
                        w.line("\(target) = \(SwiftType.optional(inner).fromWire(decoded))")
                    } else {
                        let decoded = "try container.varlinkDecode(\(field.type.wire).self, forKey: .\(field.key))"
                        w.line("\(target) = \(field.type.fromWire(decoded))")
                    }
                }
            }
            w.line()
            w.line("/// Encodes the value; absent optional fields are left out.")
            w.block("public func encode(to encoder: any Swift.Encoder) throws") { w in
                if resolved.isEmpty {
                    w.line("_ = encoder.container(keyedBy: Varlink.AnyCodingKey.self)")
                } else {
                    w.line("var container = encoder.container(keyedBy: CodingKeys.self)")
                }
                for field in resolved {
                    let value = field.type.toWire("self.\(field.property)")
                    let call = field.type.isOptional ? "encodeIfPresent" : "encode"
                    w.line("try container.\(call)(\(value), forKey: .\(field.key))")
                }
            }
            emitNested(&w, nested)
        }
    }

    func emitNested(_ w: inout CodeWriter, _ nested: [NestedDeclaration]) {
        for declaration in nested {
            w.line()
            switch declaration {
            case .structure(let name, let qualified, let fields, let documentation):
                emitStruct(&w, name: name, qualified: qualified, fields: fields, documentation: documentation)
            case .enumeration(let name, _, let values, let documentation):
                emitEnum(&w, name: name, values: values, documentation: documentation)
            }
        }
    }

    /// `public enum Name: String` with a case per value and a decoder that names the allowed values.
    func emitEnum(_ w: inout CodeWriter, name: String, values: [EnumValueDefinition], documentation: [String]) {
        w.doc(documentation)
        let protocols = "Swift.String, Swift.Codable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable"
        w.block("public enum \(name): \(protocols)") { w in
            var used: Set<String> = []
            for value in values {
                let caseName = SwiftNames.unique(SwiftNames.lowerCamel(value.name), in: &used)
                w.doc(value.documentation.isEmpty ? ["`\(value.name)`"] : value.documentation)
                w.line("case \(SwiftNames.identifier(caseName)) = \(SwiftNames.stringLiteral(value.name))")
            }
            w.line()
            let allowed = values.map(\.name).joined(separator: ", ")
            w.line("/// Decodes a value; an unknown one is an error that lists the allowed values.")
            w.block("public init(from decoder: any Swift.Decoder) throws") { w in
                w.line("let container = try decoder.singleValueContainer()")
                w.line("let raw = try container.decode(Swift.String.self)")
                w.block("guard let value = Self(rawValue: raw) else") { w in
                    w.line("throw Swift.DecodingError.dataCorruptedError(")
                    w.line(
                        "    in: container, debugDescription: \"unknown value '\\(raw)' for enum \(name); expected one of: \(allowed)\")"
                    )
                }
                w.line("self = value")
            }
        }
    }
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        var result = Substring(self)
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return String(result)
    }
}
