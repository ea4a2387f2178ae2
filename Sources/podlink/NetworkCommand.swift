import ArgumentParser

/// `podlink network`: bridge networks that containers join (`--network`) and publish ports on.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Manage networks.",
        subcommands: [
            NetworkCreateCommand.self, NetworkLsCommand.self, NetworkInspectCommand.self, NetworkRmCommand.self,
        ])
}
