import ArgumentParser
import Foundation
import PodlinkAPI

/// `podlink ps`
struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps", abstract: "List containers (running ones unless --all).")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Show all containers, not only running ones.") var all = false
    @Flag(name: .shortAndLong, help: "Show only the ids.") var quiet = false
    @Flag(help: "Do not shorten ids and commands.") var noTrunc = false
    @Option(help: "Output format: json.") var format: String?

    func run() async throws {
        let json = try JSONOutput.check(format)
        let (containers, states) = try await global.withClient { client in
            var containers = try await client.listContainers().containers
            if !all { containers = containers.filter { $0.status == .running || $0.status == .paused } }
            containers.sort { $0.created > $1.created }
            if json || quiet { return (containers, [String: IoPodlink.ContainerState]()) }
            return (containers, await Self.states(of: containers, client))
        }
        if json { return try JSONOutput.print(containers) }
        if quiet {
            for container in containers { Console.line(noTrunc ? container.id : String(container.id.prefix(12))) }
            return
        }
        let now = Date()
        var table = Table(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"])
        for container in containers {
            var command = container.command.joined(separator: " ")
            if !noTrunc, command.count > 20 { command = command.prefix(17) + "..." }
            table.append([
                noTrunc ? container.id : String(container.id.prefix(12)), container.image, command,
                Human.ago(container.created, now: now), StatusText.describe(container, states[container.id], now: now),
                PortText.summary(container.ports), container.name,
            ])
        }
        Console.out(table.render())
    }

    /// The states of containers that ran (their start and end times), asked for in parallel.
    static func states(
        of containers: [IoPodlink.Container], _ client: IoPodlinkClient
    ) async
        -> [String: IoPodlink.ContainerState]
    {
        await withTaskGroup(of: (String, IoPodlink.ContainerState?).self) { group in
            for container in containers where ![.configured, .created, .removing].contains(container.status) {
                group.addTask { (container.id, try? await client.inspectContainer(name: container.id).container.state) }
            }
            var states: [String: IoPodlink.ContainerState] = [:]
            for await (id, state) in group { states[id] = state }
            return states
        }
    }
}
