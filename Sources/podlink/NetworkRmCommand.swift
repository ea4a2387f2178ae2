import ArgumentParser
import PodlinkAPI

/// `podlink network rm`
struct NetworkRmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove networks.", aliases: ["remove"])

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Remove any containers using the network first.") var force = false
    @Argument(help: "Networks, by name or id.") var names: [String]

    func run() async throws {
        try await global.eachTarget(names) { client, name in
            _ = try await client.removeNetwork(name: name, force: force ? true : nil)
        }
    }
}
