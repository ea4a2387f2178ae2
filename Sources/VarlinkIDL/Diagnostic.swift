/// A message about an interface file, tied to a position in it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        /// The file is not a valid varlink interface.
        case error
        /// The file is valid varlink, but a common peer (python's or Go's varlink) would reject it.
        case warning
    }

    /// How serious it is.
    public var severity: Severity
    /// Where it was found.
    public var location: SourceLocation
    /// What is wrong, and what was expected.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, at location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// `file:line:column: severity: message`.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Thrown when an interface file cannot be parsed or is invalid; carries every error found.
public struct InterfaceDefinitionError: Error, Sendable, CustomStringConvertible {
    /// The diagnostics, errors first, in file order.
    public var diagnostics: [Diagnostic]

    /// Creates the error from its diagnostics.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension Diagnostic: Error {}
