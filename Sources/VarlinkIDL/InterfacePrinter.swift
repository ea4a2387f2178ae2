/// Prints an `InterfaceDefinition` as canonical interface text that parses back to the same tree.
///
/// Named structs and enums are printed one field per line; inline ones stay on one line unless they carry
/// documentation or would pass the line width.
public struct InterfacePrinter: Sendable {
    /// The width past which an inline struct is broken onto several lines.
    public var lineWidth: Int
    /// The indentation of one level.
    public var indentation: String

    /// Creates a printer.
    public init(lineWidth: Int = 100, indentation: String = "  ") {
        self.lineWidth = lineWidth
        self.indentation = indentation
    }

    /// The interface as text, ending with a newline.
    public func print(_ interface: InterfaceDefinition) -> String {
        var out = documentation(interface.documentation, indent: "")
        out += "interface \(interface.name)\n"
        for member in interface.members {
            out += "\n"
            out += documentation(member.documentation, indent: "")
            switch member {
            case .type(let definition):
                out += "type \(definition.name) \(type(definition.type, indent: "", forceBreak: true))\n"
            case .method(let method):
                let head = "method \(method.name)"
                let input = fields(method.input, indent: "", forceBreak: false)
                let output = fields(method.output, indent: "", forceBreak: false)
                let oneLine = "\(head)\(input) -> \(output)"
                if !oneLine.contains("\n") && oneLine.count <= lineWidth {
                    out += oneLine + "\n"
                } else {
                    out += "\(head)\(fields(method.input, indent: "", forceBreak: !method.input.isEmpty)) -> "
                    out += "\(fields(method.output, indent: "", forceBreak: !method.output.isEmpty))\n"
                }
            case .error(let definition):
                out += "error \(definition.name) \(fields(definition.parameters, indent: "", forceBreak: false))\n"
            }
        }
        return out
    }

    private func documentation(_ lines: [String], indent: String) -> String {
        lines.map { $0.isEmpty ? "\(indent)#\n" : "\(indent)# \($0)\n" }.joined()
    }

    /// A type as written, at the given indentation for any lines it breaks onto.
    public func type(_ type: TypeExpression, indent: String = "", forceBreak: Bool = false) -> String {
        switch type {
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "string"
        case .object: "object"
        case .any: "any"
        case .set: "[string]()"
        case .reference(let reference): reference.name
        case .optional(let inner): "?" + self.type(inner, indent: indent)
        case .array(let inner): "[]" + self.type(inner, indent: indent)
        case .map(let inner): "[string]" + self.type(inner, indent: indent)
        case .structure(let fields): self.fields(fields, indent: indent, forceBreak: forceBreak && !fields.isEmpty)
        case .enumeration(let values): enumeration(values, indent: indent, forceBreak: forceBreak)
        }
    }

    private func fields(_ fields: [FieldDefinition], indent: String, forceBreak: Bool) -> String {
        let inner = indent + indentation
        let items = fields.map { "\($0.name): \(type($0.type, indent: inner))" }
        let oneLine = "(" + items.joined(separator: ", ") + ")"
        let documented = fields.contains { !$0.documentation.isEmpty }
        if !forceBreak && !documented && !oneLine.contains("\n") && oneLine.count + indent.count <= lineWidth {
            return oneLine
        }
        let lines = fields.map { field in
            documentation(field.documentation, indent: inner) + inner
                + "\(field.name): \(type(field.type, indent: inner))"
        }
        return "(\n" + lines.joined(separator: ",\n") + "\n\(indent))"
    }

    private func enumeration(_ values: [EnumValueDefinition], indent: String, forceBreak: Bool) -> String {
        let inner = indent + indentation
        let oneLine = "(" + values.map(\.name).joined(separator: ", ") + ")"
        let documented = values.contains { !$0.documentation.isEmpty }
        if !forceBreak && !documented && oneLine.count + indent.count <= lineWidth {
            return oneLine
        }
        let lines = values.map { documentation($0.documentation, indent: inner) + inner + $0.name }
        return "(\n" + lines.joined(separator: ",\n") + "\n\(indent))"
    }
}
