import ArgumentParser
import PodlinkAPI

/// `podlink port`
struct PortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port",
        abstract: "List port mappings or a specific mapping for the container.",
        discussion: """
            Lists the ports a container publishes as PRIVATE_PORT/PROTOCOL -> HOST_IP:HOST_PORT, with the host \
            ports in use while it runs; given a private port (tcp unless /udp), prints only where it is published.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Display port information for all running containers.") var all = false
    @Argument(help: ArgumentHelp("The container (not with --all), then a private port.", valueName: "CONTAINER [PORT]"))
    var arguments: [String] = []

    func validate() throws {
        if all {
            if arguments.count > 1 { throw ValidationError("With --all, give at most a private port.") }
        } else {
            if arguments.isEmpty { throw ValidationError("Give a container, or --all.") }
            if arguments.count > 2 { throw ValidationError("Give a container and at most a private port.") }
        }
    }

    func run() async throws {
        let portText = all ? arguments.first : arguments.dropFirst().first
        let wanted = try portText.map(Self.privatePort)
        if all {
            let containers = try await global.withClient { try await $0.listContainers().containers }
            for container in containers where container.status == .running && !container.ports.isEmpty {
                try report(container.ports, wanted, portText, prefix: String(container.id.prefix(12)) + "\t")
            }
            return
        }
        let name = arguments[0]
        let container = try await global.withClient { try await $0.inspectContainer(name: name).container }
        let ports = container.state.ports
        if ports.isEmpty {
            if container.config.ports.isEmpty { throw CLIError("container \(name) publishes no ports") }
            throw CLIError("container \(name) is not running: its ports are published while it runs")
        }
        try report(ports, wanted, portText)
    }

    /// Prints `mappings`, or where the `wanted` port is published (an error when it is not).
    func report(
        _ mappings: [IoPodlink.PortMapping], _ wanted: (port: Int, proto: IoPodlink.PortMapping.Protocol_)?,
        _ text: String?, prefix: String = ""
    ) throws {
        guard let wanted else {
            for line in PortText.lines(mappings) { Console.line(prefix + line) }
            return
        }
        let hosts = PortText.hosts(of: wanted.port, wanted.proto, in: mappings)
        if hosts.isEmpty && !all { throw CLIError("failed to find published port \"\(text ?? "")\"") }
        for host in hosts { Console.line(prefix + host) }
    }

    /// `80` or `80/udp` as a port and protocol (tcp when not given).
    static func privatePort(_ text: String) throws -> (port: Int, proto: IoPodlink.PortMapping.Protocol_) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let port = Int(parts[0]), (1...65535).contains(port) else {
            throw CLIError("invalid port \"\(text)\": give PORT[/PROTOCOL], e.g. 80/tcp")
        }
        guard parts.count == 2 else { return (port, .tcp) }
        guard let proto = IoPodlink.PortMapping.Protocol_(rawValue: parts[1].lowercased()) else {
            throw CLIError("invalid port \"\(text)\": the protocol is tcp or udp")
        }
        return (port, proto)
    }
}
