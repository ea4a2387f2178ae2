public import VarlinkIDL

/// Generates Swift for a varlink interface: a namespace with a `Codable`, `Sendable`, `Hashable` type for every
/// varlink type, a namespace per method (parameters and reply) and per error, one typed error enum, an `async`
/// server protocol and a typed client. Output is deterministic: the same interface always gives the same text.
public struct SwiftGenerator: Sendable {
    /// Generation settings.
    public struct Options: Sendable {
        /// The file name named in the header line.
        public var sourceFileName: String
        /// Whether to `import Varlink` (false when generating into the runtime module itself).
        public var importsRuntime: Bool

        /// Creates options.
        public init(sourceFileName: String = "<input>", importsRuntime: Bool = true) {
            self.sourceFileName = sourceFileName
            self.importsRuntime = importsRuntime
        }
    }

    /// The settings.
    public var options: Options

    /// Creates a generator.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// The Swift source for `interface`: the translate stage resolves it into the model of the file, then the render
    /// stage prints that.
    public func generate(_ interface: InterfaceDefinition) -> String {
        SwiftRenderer().render(SwiftTranslator(interface: interface, options: options).translate())
    }
}
