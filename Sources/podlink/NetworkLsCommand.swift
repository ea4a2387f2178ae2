import ArgumentParser
import PodlinkAPI

/// `podlink network ls`
struct NetworkLsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List networks, the default one first.", aliases: ["list"])

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Show only the names.") var quiet = false
    @Flag(help: "Do not shorten ids.") var noTrunc = false
    @Option(help: "Output format: json.") var format: String?

    func run() async throws {
        let json = try JSONOutput.check(format)
        let networks = try await global.withClient { try await $0.listNetworks().networks }
        if json { return try JSONOutput.print(networks) }
        if quiet {
            for network in networks { Console.line(network.name) }
            return
        }
        var table = Table(["NETWORK ID", "NAME", "DRIVER", "SUBNET"])
        for network in networks {
            table.append([
                noTrunc ? network.id : String(network.id.prefix(12)), network.name, "bridge", network.subnet,
            ])
        }
        Console.out(table.render())
    }
}
