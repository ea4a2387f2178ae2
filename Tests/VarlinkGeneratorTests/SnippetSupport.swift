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

/// What the render stage prints for the namespace member `name` of a small interface written in a test.
func rendered(_ members: String, member name: String) throws -> String {
    try rendered(translated(members), member: name)
}

/// `text` one level deeper, as the render stage prints a declaration nested in another.
func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
        .joined(separator: "\n")
}

/// Where `generated` first differs from `reference`, line by line; nil when they are the same.
func firstDifference(_ generated: String, _ reference: String) -> String? {
    guard generated != reference else { return nil }
    let generatedLines = generated.split(separator: "\n", omittingEmptySubsequences: false)
    let referenceLines = reference.split(separator: "\n", omittingEmptySubsequences: false)
    let common = min(generatedLines.count, referenceLines.count)
    let index = (0..<common).first { generatedLines[$0] != referenceLines[$0] } ?? common
    let got = index < generatedLines.count ? String(generatedLines[index]) : "<end>"
    let wanted = index < referenceLines.count ? String(referenceLines[index]) : "<end>"
    return "differs at line \(index + 1): generated «\(got)», reference «\(wanted)»"
}

/// Checks printed `text` against the snippet `expected`, written as an indented raw literal (so without its last
/// newline); records the first line that differs.
func expectSnippet(_ text: String, _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    if let difference = firstDifference(text, expected + "\n") {
        Issue.record("the snippet \(difference)", sourceLocation: sourceLocation)
    }
}

/// Checks that printed `text` has the lines of `expected`, each whole and in that order, with any others between.
func expectLines(_ text: String, _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var next = lines.startIndex
    for line in expected.split(separator: "\n") {
        guard let found = lines[next...].firstIndex(of: line) else {
            Issue.record("no line «\(line)» after line \(next) of:\n\(text)", sourceLocation: sourceLocation)
            return
        }
        next = found + 1
    }
}

extension SwiftFileModel {
    /// The namespace's declaration named `name`.
    func member(_ name: String) -> DeclarationModel? {
        namespace.members.first { $0.name == name }
    }

    /// The model of the namespace's declaration named `name`, when it is a `T` (`StructModel`, `MethodModel`, ...).
    func member<T>(_ name: String, as type: T.Type) -> T? {
        member(name)?.model(as: type)
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

    /// The model the declaration carries, when it is a `T`.
    func model<T>(as type: T.Type) -> T? {
        Mirror(reflecting: self).children.first?.value as? T
    }
}
