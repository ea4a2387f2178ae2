/// An interface a server offers. Generated `...Service` protocols refine this and implement `handle` by decoding
/// the parameters, calling the right method and sending its reply.
public protocol VarlinkInterfaceHandler: Sendable {
    /// The interface name, e.g. `org.varlink.certification`.
    var interfaceName: String { get }
    /// The interface's text, as `GetInterfaceDescription` returns it.
    var interfaceDescription: String { get }
    /// Handles one call to a method of this interface. Throws `MethodNotFound` for a method it lacks.
    func handle(_ call: VarlinkServerCall) async throws
}
