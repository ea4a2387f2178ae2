import ArgumentParser
import PodlinkAPI

/// `podlink artifact`
struct ArtifactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Store, read and remove files kept with a container.",
        subcommands: [ArtifactAddCommand.self, ArtifactGetCommand.self, ArtifactRmCommand.self])
}
