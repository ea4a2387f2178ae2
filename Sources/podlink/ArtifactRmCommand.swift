import ArgumentParser
import PodlinkAPI

/// `podlink artifact rm`
struct ArtifactRmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a container's artifact.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The container, by name or id.") var container: String
    @Argument(help: "The artifact's name.") var name: String

    func run() async throws {
        try await global.withClient { client in
            _ = try await client.removeContainerArtifact(name: container, artifactName: name)
        }
    }
}
