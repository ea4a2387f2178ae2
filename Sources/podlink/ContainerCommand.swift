import ArgumentParser

/// `podlink container`: container commands that Podman keeps under this name only.
struct ContainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container", abstract: "Checkpoint and restore containers.",
        subcommands: [CheckpointCommand.self, RestoreCommand.self])
}
