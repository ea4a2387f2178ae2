import ArgumentParser
import Foundation
import Glibc
import PodlinkAPI
import PodlinkClient
import Varlink
import VarlinkNIO

/// How to reach the service; every command takes these.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customLong("url"), .customLong("address")],
        help: ArgumentHelp(
            "The service's varlink address: unix:/path, unix:@name or tcp:host:port (default: $\(Podlink.addressVariable), else \(Podlink.defaultAddress)).",
            valueName: "address"))
    var url: String?

    @Option(
        help: ArgumentHelp(
            "Reach the service through a command that speaks varlink on its standard input and output, such as 'ssh host podlinkd --bridge'.",
            valueName: "command"))
    var bridge: String?

    /// The address used when no bridge is given.
    var address: String {
        if let url { return url }
        if let value = ProcessInfo.processInfo.environment[Podlink.addressVariable], !value.isEmpty { return value }
        return Podlink.defaultAddress
    }

    /// Why connecting failed, in plain words for a missing or forbidden socket.
    static func reason(_ error: any Error, _ address: String?) -> String {
        if let address, address.hasPrefix("unix:/") {
            let path = String(address.dropFirst(5).prefix { $0 != ";" })
            if access(path, F_OK) != 0 { return "\(path) does not exist" }
            if access(path, R_OK | W_OK) != 0 { return "permission denied on \(path)" }
        }
        return Podlink.describe(error)
    }

    /// Connects and runs `body` for each of `names` in turn, printing each name once its call is done; as Podman, a
    /// failure is reported and the others still run, and the command then exits with 125.
    func eachTarget(_ names: [String], _ body: (IoPodlinkClient, String) async throws -> Void) async throws {
        try await withClient { client in
            try await Targets.each(names) { name in
                try await body(client, name)
                Console.line(name)
            }
        }
    }

    /// Connects, runs `body` with the client, and closes the connection.
    func withClient<T>(_ body: (IoPodlinkClient) async throws -> T) async throws -> T {
        let endpoint: Podlink.Endpoint
        let place: String
        if let bridge {
            let command = try ShellWords.split(bridge)
            guard !command.isEmpty else { throw CLIError("--bridge needs a command") }
            endpoint = .bridge(command)
            place = "bridge \(bridge)"
        } else {
            endpoint = .address(address)
            place = address
        }
        let client: IoPodlinkClient
        let connection: VarlinkConnection
        do {
            (client, connection) = try await Podlink.connect(endpoint)
        } catch {
            throw CLIError(
                "cannot connect to the Podlink service at \(place): \(Self.reason(error, bridge == nil ? address : nil)) "
                    + "(is podlinkd running? set --url or $\(Podlink.addressVariable))")
        }
        do {
            let result = try await body(client)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}
