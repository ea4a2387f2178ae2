extension SwiftRenderer {
    /// `public struct Name { ... }` with its fields, memberwise initializer, strict `Codable` and nested types.
    func write(_ structure: StructModel, to w: inout CodeWriter) {
        let fields = structure.fields
        w.doc(structure.documentation)
        let protocols = "Swift.Codable, Varlink.VarlinkJSONCodable, Swift.Sendable, Swift.Hashable"
        w.block("public struct \(structure.name): \(protocols)") { w in
            for field in fields {
                w.doc(field.documentation)
                w.line("public var \(field.property): \(field.type.swift)")
            }
            if !fields.isEmpty { w.line() }
            w.line("/// Creates a value from its fields.")
            let arguments = fields.map { "\($0.property): \($0.type.swift)\($0.type.isOptional ? " = nil" : "")" }
            w.block("public init(\(arguments.joined(separator: ", ")))") { w in
                for field in fields { w.line("self.\(field.property) = \(field.property)") }
            }
            w.line()
            if !fields.isEmpty {
                w.block("private enum CodingKeys: Swift.String, Swift.CodingKey") { w in
                    for field in fields { w.line("case \(field.codingKey) = \(SwiftNames.stringLiteral(field.name))") }
                }
                w.line()
            }
            writeDecoder(fields, to: &w)
            w.line()
            writeEncoder(fields, to: &w)
            w.line()
            writeJSONCoding(fields, to: &w)
            write(nested: structure.nested, to: &w)
        }
    }

    /// The strict decoder of a struct.
    private func writeDecoder(_ fields: [FieldModel], to w: inout CodeWriter) {
        let knownKeys = fields.map { SwiftNames.stringLiteral($0.name) }.joined(separator: ", ")
        w.line("/// Decodes the value; in strict mode (call parameters) unknown fields are rejected.")
        w.block("public init(from decoder: any Swift.Decoder) throws") { w in
            w.line("try Varlink.VarlinkJSON.checkKnownKeys(decoder, [\(knownKeys)])")
            if fields.isEmpty {
                w.line("_ = try decoder.container(keyedBy: Varlink.AnyCodingKey.self)")
            } else {
                w.line("let container = try decoder.container(keyedBy: CodingKeys.self)")
            }
            for field in fields {
                let target = "self.\(field.property)"
                if case .optional(let inner) = field.type {
                    let decoded =
                        "try container.varlinkDecodeIfPresent(\(inner.wire).self, forKey: .\(field.codingKey))"
                    w.line("\(target) = \(field.type.fromWire(decoded))")
                } else {
                    let decoded = "try container.varlinkDecode(\(field.type.wire).self, forKey: .\(field.codingKey))"
                    w.line("\(target) = \(field.type.fromWire(decoded))")
                }
            }
        }
    }

    /// The encoder of a struct, which leaves absent optionals out.
    private func writeEncoder(_ fields: [FieldModel], to w: inout CodeWriter) {
        w.line("/// Encodes the value; absent optional fields are left out.")
        w.block("public func encode(to encoder: any Swift.Encoder) throws") { w in
            if fields.isEmpty {
                w.line("_ = encoder.container(keyedBy: Varlink.AnyCodingKey.self)")
            } else {
                w.line("var container = encoder.container(keyedBy: CodingKeys.self)")
            }
            for field in fields {
                let value = field.type.toWire("self.\(field.property)")
                let call = field.type.isOptional ? "encodeIfPresent" : "encode"
                w.line("try container.\(call)(\(value), forKey: .\(field.codingKey))")
            }
        }
    }

    /// `public enum Name: String` with a case per value and a decoder that names the allowed values.
    func write(_ enumeration: EnumModel, to w: inout CodeWriter) {
        let name = enumeration.name
        w.doc(enumeration.documentation)
        let protocols =
            "Swift.String, Swift.Codable, Varlink.VarlinkJSONCodable, Swift.Sendable, Swift.Hashable, Swift.CaseIterable"
        w.block("public enum \(name): \(protocols)") { w in
            for value in enumeration.cases {
                w.doc(value.documentation)
                w.line("case \(value.name) = \(SwiftNames.stringLiteral(value.value))")
            }
            w.line()
            let allowed = enumeration.cases.map(\.value).joined(separator: ", ")
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
            w.line()
            writeJSONCoding(enumeration, to: &w)
        }
    }

    /// `public typealias Name = Type`, followed by the declarations of the inline types inside it.
    func write(_ alias: TypeAliasModel, to w: inout CodeWriter) {
        w.doc(alias.documentation)
        w.line("public typealias \(alias.name) = \(alias.type.swift)")
        write(nested: alias.nested, to: &w)
    }
}
