import Testing
import VarlinkIDL

@testable import VarlinkGenerator

/// The translate stage's model of a small interface written in a test: `members` after the interface line.
func translated(_ members: String) throws -> SwiftFileModel {
    let interface = try InterfaceParser.parse("interface org.example.snippets\n\n" + members)
    return SwiftTranslator(interface: interface).translate()
}

/// What the render stage prints for one part of a model, at the top level.
func rendered(_ write: (SwiftRenderer, inout CodeWriter) -> Void) -> String {
    var writer = CodeWriter()
    write(SwiftRenderer(), &writer)
    return writer.text
}

/// What the render stage prints for the namespace member `name` of `model`, at the top level.
func rendered(_ model: SwiftFileModel, member name: String) throws -> String {
    let member = try #require(model.member(name))
    return rendered { $0.write(member, to: &$1) }
}

extension SwiftFileModel {
    /// The namespace's declaration named `name`.
    func member(_ name: String) -> DeclarationModel? {
        namespace.members.first { $0.name == name }
    }

    /// The namespace's struct named `name`.
    func structure(_ name: String) -> StructModel? {
        if case .structure(let structure) = member(name) { structure } else { nil }
    }
}

extension DeclarationModel {
    /// The declared Swift name.
    var name: String {
        switch self {
        case .structure(let structure): structure.name
        case .enumeration(let enumeration): enumeration.name
        case .typeAlias(let alias): alias.name
        case .method(let method): method.name
        case .error(let error): error.name
        }
    }
}
