/// Checks the rules of the varlink language that the grammar alone does not: name syntax, unique names, defined
/// references; and warns where python's or Go's varlink would reject an otherwise valid interface.
public enum InterfaceValidator {
    /// All diagnostics for `interface`, in file order.
    public static func validate(_ interface: InterfaceDefinition) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let here = interface.location ?? SourceLocation(file: "<input>", line: 1, column: 1)

        func error(_ location: SourceLocation?, _ message: String) {
            diagnostics.append(Diagnostic(.error, at: location ?? here, message))
        }
        func warning(_ location: SourceLocation?, _ message: String) {
            diagnostics.append(Diagnostic(.warning, at: location ?? here, message))
        }

        // Interface name.
        let name = interface.name
        if !NameRules.isInterfaceName(name) {
            error(
                interface.location,
                "invalid interface name '\(name)': expected a reverse-domain name of at least two dot-separated "
                    + "parts, each of letters, digits and inner '-', the first starting with a letter")
        } else {
            if name.utf8.count > 255 { error(interface.location, "interface name is longer than 255 characters") }
            if name != name.lowercased() {
                warning(interface.location, "interface name '\(name)' has uppercase letters; Go's varlink rejects it")
            }
            if let first = name.split(separator: ".").first, first.contains(where: { !$0.isLetter }) {
                warning(
                    interface.location,
                    "the first part of interface name '\(name)' has digits or '-'; python's varlink rejects it")
            }
        }
        if interface.methods.isEmpty {
            warning(interface.location, "interface '\(name)' has no methods; Go's varlink rejects it")
        }

        // Members.
        var seen: [String: SourceLocation?] = [:]
        for member in interface.members {
            if !NameRules.isMemberName(member.name) {
                error(
                    member.location,
                    "invalid name '\(member.name)': expected an uppercase letter followed by letters and digits")
            }
            if let previous = seen[member.name] {
                let at = previous.map { " (first defined at \($0.line):\($0.column))" } ?? ""
                error(member.location, "'\(member.name)' is defined more than once\(at)")
            } else {
                seen[member.name] = member.location
            }
        }
        let typeNames = Set(interface.types.map(\.name))

        func checkFields(_ fields: [FieldDefinition], in context: String) {
            var names: Set<String> = []
            for field in fields {
                checkFieldName(field.name, field.location, context)
                if !names.insert(field.name).inserted {
                    error(field.location, "duplicate field '\(field.name)' in \(context)")
                }
                checkType(field.type, at: field.location, in: "field '\(field.name)' of \(context)")
            }
        }
        func checkFieldName(_ fieldName: String, _ location: SourceLocation?, _ context: String) {
            if !NameRules.isFieldName(fieldName) {
                error(
                    location,
                    "invalid field name '\(fieldName)' in \(context): expected a letter followed by letters, digits "
                        + "and single inner '_'")
            } else if let first = fieldName.unicodeScalars.first, ("A"..."Z").contains(first) {
                warning(location, "field name '\(fieldName)' starts with an uppercase letter; Go's varlink rejects it")
            }
        }
        /// Checks `type`, written in `context`; `location` is where the field or type that has it was named.
        func checkType(_ type: TypeExpression, at location: SourceLocation?, in context: String) {
            switch type {
            case .bool, .int, .float, .string, .object, .set:
                break
            case .any:
                // Valid varlink (UAPI.20), and `?any` too; the older implementations do not know the type.
                warning(location, "type 'any' in \(context); python's and Go's varlink reject it")
            case .reference(let reference):
                if !typeNames.contains(reference.name) {
                    error(reference.location, "unknown type '\(reference.name)' in \(context)")
                }
            case .structure(let fields):
                checkFields(fields, in: context)
            case .enumeration(let values):
                var names: Set<String> = []
                for value in values {
                    checkFieldName(value.name, value.location, context)
                    if !names.insert(value.name).inserted {
                        error(value.location, "duplicate enum value '\(value.name)' in \(context)")
                    }
                }
                if values.count == 1 {
                    warning(values.first?.location, "an enum with a single value; python's varlink rejects it")
                }
            case .optional(let inner), .array(let inner), .map(let inner):
                checkType(inner, at: location, in: context)
            }
        }

        for member in interface.members {
            switch member {
            case .type(let definition):
                checkType(definition.type, at: definition.location, in: "type '\(definition.name)'")
            case .method(let method):
                checkFields(method.input, in: "the input of method '\(method.name)'")
                checkFields(method.output, in: "the output of method '\(method.name)'")
            case .error(let definition):
                checkFields(definition.parameters, in: "error '\(definition.name)'")
            }
        }
        return diagnostics.enumerated().sorted { a, b in
            let (l, r) = (a.element.location, b.element.location)
            return (l.line, l.column, a.offset) < (r.line, r.column, b.offset)
        }.map(\.element)
    }
}

/// The name rules of the varlink language.
public enum NameRules {
    private static func isLetter(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
    }
    private static func isDigit(_ c: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) }

    /// `[A-Za-z]([-]*[A-Za-z0-9])*(\.[A-Za-z0-9]([-]*[A-Za-z0-9])*)+`
    public static func isInterfaceName(_ name: String) -> Bool {
        let parts = name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return false }
        for (index, part) in parts.enumerated() {
            guard let first = part.first, let last = part.last else { return false }
            if index == 0 ? !isLetter(first) : !(isLetter(first) || isDigit(first)) { return false }
            if last == UInt8(ascii: "-") { return false }
            if !part.allSatisfy({ isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) { return false }
        }
        return true
    }

    /// `[A-Z][A-Za-z0-9]*`
    public static func isMemberName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) }
    }

    /// `[A-Za-z]([_]?[A-Za-z0-9])*`
    public static func isFieldName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, isLetter(first), bytes.last != UInt8(ascii: "_") else { return false }
        var previousUnderscore = false
        for byte in bytes {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if isLetter(byte) || isDigit(byte) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }
}
