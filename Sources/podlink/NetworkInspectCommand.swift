import ArgumentParser
import PodlinkAPI

/// `podlink network inspect`
struct NetworkInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Display the configuration of networks, as JSON.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "Output format: json (the default).") var format: String?
    @Argument(help: "Networks, by name or id.") var names: [String]

    func run() async throws {
        _ = try JSONOutput.check(format)
        var networks: [IoPodlink.Network] = []
        var failure: (any Error)?
        try await global.withClient { client in
            do {
                try await Targets.each(names) { name in
                    networks.append(try await client.inspectNetwork(name: name).network)
                }
            } catch {
                failure = error
            }
        }
        try JSONOutput.print(networks)
        if let failure { throw failure }
    }
}
