extension SwiftRenderer {
    /// The byte-level coders of a struct (`Varlink.VarlinkJSONCodable`): the runtime's fast path for parameters and
    /// replies, with the rules of the `Codable` ones: unknown fields refused by a strict reader, missing and
    /// mistyped fields named, absent optionals left out, keys written sorted as `VarlinkJSON.encoder()` sorts them.
    func writeJSONCoding(_ fields: [FieldModel], to w: inout CodeWriter) {
        let locals = fields.indices.map { "field\($0)" }
        w.line("/// Reads the value; a strict reader (call parameters) refuses fields it does not declare.")
        w.block(
            "public init(json reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError)"
        ) { w in
            for (field, local) in zip(fields, locals) {
                let optional = field.type.isOptional ? field.type.swift : field.type.swift + "?"
                w.line("var \(local): \(optional) = nil")
            }
            w.line("try reader.beginObject()")
            w.line("var first = true")
            w.block("while let key = try reader.nextKey(&first)") { w in
                w.line("switch key {")
                for (field, local) in zip(fields, locals) {
                    let name = SwiftNames.stringLiteral(field.name)
                    w.line("case \(name): \(local) = try \(memberRead(field, name: name))")
                }
                w.line("default: try reader.unknownMember(key)")
                w.line("}")
            }
            for (field, local) in zip(fields, locals) where !field.type.isOptional {
                let name = SwiftNames.stringLiteral(field.name)
                w.line("guard let \(local) else { throw Varlink.VarlinkJSONReader.missing(\(name)) }")
            }
            for (field, local) in zip(fields, locals) { w.line("self.\(field.property) = \(local)") }
        }
        w.line()
        w.line("/// Writes the value; absent optional fields are left out, keys are sorted.")
        w.block("public func encodeJSON(to writer: inout Varlink.VarlinkJSONWriter)") { w in
            w.line("writer.beginObject()")
            for field in fields.sorted(by: { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }) {
                let name = SwiftNames.stringLiteral(field.name)
                if field.type.isOptional {
                    w.block("if let value = self.\(field.property)") { w in
                        w.line("writer.key(\(name))")
                        w.line("value.encodeJSON(to: &writer)")
                    }
                } else {
                    w.line("writer.key(\(name))")
                    w.line("self.\(field.property).encodeJSON(to: &writer)")
                }
            }
            w.line("writer.endObject()")
        }
    }

    /// The read of one member's value: by its type's coder, except varlink's `any`, which refuses `null`.
    private func memberRead(_ field: FieldModel, name: String) -> String {
        if case .any = field.type {
            return
                "reader.member(\(name)) { (reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError) "
                + "in try reader.readValue(allowNull: false) }"
        }
        return "reader.member(\(name), \(field.type.swift).self)"
    }

    /// The byte-level coders of a string enum: an unknown value is an error that lists the allowed ones.
    func writeJSONCoding(_ enumeration: EnumModel, to w: inout CodeWriter) {
        let allowed = enumeration.cases.map(\.value).joined(separator: ", ")
        w.line("/// Reads a value; an unknown one is an error that lists the allowed values.")
        w.block(
            "public init(json reader: inout Varlink.VarlinkJSONReader) throws(Varlink.VarlinkJSONError)"
        ) { w in
            w.line("let raw = try reader.readString()")
            w.block("guard let value = Self(rawValue: raw) else") { w in
                w.line(
                    "throw Varlink.VarlinkJSONError(\"unknown value '\\(raw)' for enum \(enumeration.name); "
                        + "expected one of: \(allowed)\")")
            }
            w.line("self = value")
        }
        w.line()
        w.line("/// Writes the value's name.")
        w.block("public func encodeJSON(to writer: inout Varlink.VarlinkJSONWriter)") { w in
            w.line("writer.write(self.rawValue)")
        }
    }
}
