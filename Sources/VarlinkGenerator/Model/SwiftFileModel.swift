/// The output of the translate stage: everything one generated Swift file declares, with every name and type
/// resolved. The render stage prints it as it is.
struct SwiftFileModel: Sendable, Hashable {
    /// The interface file named in the header line.
    var sourceFileName: String
    /// Whether the file imports the runtime (false inside the `Varlink` module itself).
    var importsRuntime: Bool
    /// The namespace enum with the interface's types, methods and errors.
    var namespace: NamespaceModel
    /// The interface's typed error enum.
    var errorEnum: ErrorEnumModel
    /// The server protocol and its dispatch.
    var service: ServiceModel
    /// The typed client.
    var client: ClientModel
}
