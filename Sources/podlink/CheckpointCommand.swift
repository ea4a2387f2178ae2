import ArgumentParser
import PodlinkAPI

/// `podlink container checkpoint`
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Checkpoint running containers with CRIU: their processes stop, kept to be restored.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep the checkpoint's images after a restore.") var keep = false
    @Flag(name: .shortAndLong, help: "Leave the container running after the checkpoint.") var leaveRunning = false
    @Flag(help: "Checkpoint established TCP connections.") var tcpEstablished = false
    @Flag(help: "Checkpoint file locks.") var fileLocks = false
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                let id = try await client.checkpointContainer(
                    name: name, keep: keep, leaveRunning: leaveRunning, tcpEstablished: tcpEstablished,
                    fileLocks: fileLocks
                ).container
                Console.line(id)
            }
        }
    }
}
