public import PodlinkAPI
import Varlink
public import VarlinkNIO

/// Connects to a Podlink service.
public enum Podlink {
    /// The service's default address.
    public static let defaultAddress = "unix:/run/podlink/io.podlink"
    /// The environment variable that overrides it.
    public static let addressVariable = "PODLINK_ADDRESS"

    /// How to reach the service.
    public enum Endpoint: Sendable {
        /// A varlink address (`unix:/path`, `unix:@name`, `tcp:host:port`).
        case address(String)
        /// A command that talks varlink on its standard input and output (`ssh host podlinkd --bridge`).
        case bridge([String])
        /// A service command started on a private socket through socket activation.
        case activate([String])
    }

    /// A typed io.podlink client and the connection it uses.
    public static func connect(
        _ endpoint: Endpoint
    ) async throws -> (client: IoPodlinkClient, connection: VarlinkConnection) {
        let connection: VarlinkConnection
        switch endpoint {
        case .address(let text): connection = try await VarlinkConnection.connect(to: VarlinkAddress(parsing: text))
        case .bridge(let command): connection = try await VarlinkConnection.bridge(command: command)
        case .activate(let command): connection = try await VarlinkConnection.activate(command: command)
        }
        return (IoPodlinkClient(transport: connection), connection)
    }
}
