import ArgumentParser
import PodlinkAPI

/// `podlink pause`
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Freeze running containers.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.eachTarget(containers) { client, name in
            _ = try await client.pauseContainer(name: name)
        }
    }
}
