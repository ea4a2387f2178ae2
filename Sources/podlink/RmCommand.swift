import ArgumentParser
import PodlinkAPI

/// `podlink rm`
struct RmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove containers.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Remove running containers too (they are killed first).") var force = false
    @Flag(name: .shortAndLong, help: "Remove all containers.") var all = false
    @Argument(help: "Containers, by name or id.") var containers: [String] = []

    func validate() throws {
        if all == !containers.isEmpty { throw ValidationError("Give containers, or --all.") }
    }

    func run() async throws {
        try await global.withClient { client in
            let names = all ? try await client.listContainers().containers.map(\.id) : containers
            try await Targets.each(names) { name in
                do {
                    _ = try await client.removeContainer(name: name, force: force)
                } catch IoPodlinkError.invalidState(_, let state, _) where state == .running || state == .paused {
                    throw CLIError(
                        "cannot remove container \(name): it is \(state.rawValue) (use --force to kill it first)")
                }
                Console.line(name)
            }
        }
    }
}
