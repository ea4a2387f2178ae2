/// Parses the varlink interface definition language into an `InterfaceDefinition`.
///
/// `parse` returns a tree only for a valid interface: it parses, then validates names, uniqueness and references.
/// `check` returns every diagnostic, peer-compatibility warnings included, and the tree when there are no errors.
public enum InterfaceParser {
    /// Parses and validates `text`; throws every error found, each with its position.
    public static func parse(
        _ text: String, file: String = "<input>"
    ) throws(InterfaceDefinitionError)
        -> InterfaceDefinition
    {
        let result = check(text, file: file)
        guard let interface = result.interface else {
            throw InterfaceDefinitionError(diagnostics: result.diagnostics.filter { $0.severity == .error })
        }
        return interface
    }

    /// Parses and validates `text`, returning the tree (nil when there are errors) and all diagnostics.
    public static func check(
        _ text: String, file: String = "<input>"
    ) -> (
        interface: InterfaceDefinition?, diagnostics: [Diagnostic]
    ) {
        var parser = Parser(scanner: InterfaceScanner(text, file: file))
        let interface: InterfaceDefinition
        do {
            interface = try parser.interface()
        } catch {
            return (nil, [error])
        }
        let diagnostics = InterfaceValidator.validate(interface)
        let errors = diagnostics.contains { $0.severity == .error }
        return (errors ? nil : interface, diagnostics)
    }
}

/// The recursive-descent parser; it stops at the first syntax error.
private struct Parser {
    /// How deep types may nest: far beyond any real interface, and shallow enough that the recursive parser,
    /// validator and printers cannot run out of stack on hostile text.
    static let maximumNesting = 64

    var scanner: InterfaceScanner
    /// How many types enclose the one being parsed.
    var nesting = 0

    init(scanner: InterfaceScanner) {
        self.scanner = scanner
    }

    private func failure(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.error, at: location ?? scanner.location, message)
    }

    private mutating func expect(_ token: String, _ context: String) throws(Diagnostic) {
        scanner.skipTrivia()
        guard scanner.consume(token) else {
            throw failure("expected '\(token)' \(context), found \(scanner.upcoming)")
        }
    }

    mutating func interface() throws(Diagnostic) -> InterfaceDefinition {
        scanner.skipTrivia()
        if scanner.bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw failure("unexpected byte order mark; interface files are plain UTF-8")
        }
        let documentation = scanner.takeDocumentation()
        let keywordLocation = scanner.location
        guard scanner.word() == "interface" else {
            throw failure("expected 'interface' at the start of the file", at: keywordLocation)
        }
        scanner.skipTrivia()
        let nameLocation = scanner.location
        guard let name = scanner.word() else {
            throw failure("expected an interface name after 'interface', found \(scanner.upcoming)")
        }
        var result = InterfaceDefinition(name: name, documentation: documentation, location: nameLocation)
        while true {
            scanner.skipTrivia()
            if scanner.atEnd { break }
            result.members.append(try member())
        }
        return result
    }

    private mutating func member() throws(Diagnostic) -> MemberDefinition {
        let documentation = scanner.takeDocumentation()
        let keywordLocation = scanner.location
        let keyword = scanner.word()
        guard let keyword, ["type", "method", "error"].contains(keyword) else {
            throw failure(
                "expected 'type', 'method' or 'error', found \(keyword.map { "'\($0)'" } ?? scanner.upcoming)",
                at: keywordLocation)
        }
        scanner.skipTrivia()
        scanner.dropDocumentation()
        let nameLocation = scanner.location
        guard let name = scanner.word() else {
            throw failure("expected a name after '\(keyword)', found \(scanner.upcoming)")
        }
        switch keyword {
        case "type":
            scanner.skipTrivia()
            let type = try self.type()
            return .type(TypeDefinition(name: name, type: type, documentation: documentation, location: nameLocation))
        case "method":
            let input = try structure("as the input of method '\(name)'")
            try expect("->", "after the input of method '\(name)'")
            let output = try structure("as the output of method '\(name)'")
            return .method(
                MethodDefinition(
                    name: name, input: input, output: output, documentation: documentation, location: nameLocation))
        default:
            let parameters = try structure("as the parameters of error '\(name)'")
            return .error(
                ErrorDefinition(
                    name: name, parameters: parameters, documentation: documentation, location: nameLocation))
        }
    }

    /// A parenthesised struct (no enum allowed).
    private mutating func structure(_ context: String) throws(Diagnostic) -> [FieldDefinition] {
        scanner.skipTrivia()
        let location = scanner.location
        guard scanner.peek == UInt8(ascii: "(") else {
            throw failure("expected '(' \(context), found \(scanner.upcoming)")
        }
        switch try structOrEnum() {
        case .structure(let fields): return fields
        default: throw failure("expected a struct \(context), found an enum", at: location)
        }
    }

    private mutating func type() throws(Diagnostic) -> TypeExpression {
        scanner.skipTrivia()
        let location = scanner.location
        guard let byte = scanner.peek else {
            throw failure("expected a type, found end of file")
        }
        guard nesting < Self.maximumNesting else {
            throw failure("types nest deeper than \(Self.maximumNesting) levels", at: location)
        }
        nesting += 1
        defer { nesting -= 1 }
        switch byte {
        case UInt8(ascii: "?"):
            scanner.advance()
            scanner.skipTrivia()
            if scanner.peek == UInt8(ascii: "?") {
                throw failure("'?' cannot apply to an optional type ('??' is not allowed)", at: location)
            }
            let inner = try type()
            if case .optional = inner {
                throw failure("'?' cannot apply to an optional type ('??' is not allowed)", at: location)
            }
            return .optional(inner)
        case UInt8(ascii: "["):
            scanner.advance()
            scanner.skipTrivia()
            if scanner.consume("]") {
                return .array(try type())
            }
            let keyLocation = scanner.location
            guard scanner.word() == "string" else {
                throw failure("expected ']' or 'string]' after '[' (only string keys are allowed)", at: keyLocation)
            }
            try expect("]", "after '[string'")
            scanner.skipTrivia()
            let element = try type()
            if case .structure(let fields) = element, fields.isEmpty { return .set }
            return .map(element)
        case UInt8(ascii: "("):
            return try structOrEnum()
        default:
            guard let word = scanner.word() else {
                throw failure(
                    "expected a type (bool, int, float, string, object, any, a type name, '(', '?' or '['), "
                        + "found \(scanner.upcoming)")
            }
            switch word {
            case "bool": return .bool
            case "int": return .int
            case "float": return .float
            case "string": return .string
            case "object": return .object
            case "any": return .any
            default:
                guard let first = word.unicodeScalars.first, ("A"..."Z").contains(first) else {
                    throw failure(
                        "expected a type (bool, int, float, string, object, any, a type name, '(', '?' or '['), "
                            + "found '\(word)'", at: location)
                }
                return .reference(TypeReference(name: word, location: location))
            }
        }
    }

    /// `( ... )` after the current position: an empty struct, a struct with typed fields, or an enum.
    private mutating func structOrEnum() throws(Diagnostic) -> TypeExpression {
        scanner.advance()  // "("
        scanner.dropDocumentation()
        var fields: [FieldDefinition] = []
        var values: [EnumValueDefinition] = []
        var isEnum: Bool?
        scanner.skipTrivia()
        if scanner.consume(")") {
            scanner.dropDocumentation()
            return .structure([])
        }
        while true {
            scanner.skipTrivia()
            let documentation = scanner.takeDocumentation()
            let location = scanner.location
            guard let name = scanner.word() else {
                throw failure("expected a field name or an enum value, found \(scanner.upcoming)")
            }
            scanner.skipTrivia()
            let colonLocation = scanner.location
            if scanner.consume(":") {
                if isEnum == true {
                    throw failure(
                        "expected ',' or ')' after enum value '\(name)'; enum values have no type", at: colonLocation)
                }
                isEnum = false
                let type = try type()
                fields.append(FieldDefinition(name: name, type: type, documentation: documentation, location: location))
            } else {
                if isEnum == false {
                    throw failure("expected ':' and a type after field '\(name)', found \(scanner.upcoming)")
                }
                isEnum = true
                values.append(EnumValueDefinition(name: name, documentation: documentation, location: location))
            }
            scanner.skipTrivia()
            if scanner.consume(",") { continue }
            if scanner.consume(")") { break }
            throw failure("expected ',' or ')' after '\(name)', found \(scanner.upcoming)")
        }
        scanner.dropDocumentation()
        return isEnum == true ? .enumeration(values) : .structure(fields)
    }
}
