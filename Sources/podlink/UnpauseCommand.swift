import ArgumentParser
import PodlinkAPI

/// `podlink unpause`
struct UnpauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpause", abstract: "Thaw paused containers.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.eachTarget(containers) { client, name in
            _ = try await client.unpauseContainer(name: name)
        }
    }
}
