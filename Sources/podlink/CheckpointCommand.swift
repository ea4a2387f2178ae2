import ArgumentParser
import PodlinkAPI

/// `podlink container checkpoint`
struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Checkpoint running containers with CRIU: their processes stop, kept to be restored.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep the checkpoint's images after a restore.") var keep = false
    @Flag(name: [.customShort("R"), .long], help: "Leave the container running after the checkpoint.")
    var leaveRunning = false
    @Flag(help: "Checkpoint established TCP connections.") var tcpEstablished = false
    @Flag(help: "Checkpoint file locks.") var fileLocks = false
    @Option(name: .shortAndLong, help: "Also write the checkpoint as an archive at this path (on the service's host).")
    var export: String?
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func validate() throws {
        if export != nil && containers.count != 1 { throw ValidationError("--export takes one container.") }
    }

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                let id = try await client.checkpointContainer(
                    name: name, keep: keep, leaveRunning: leaveRunning, tcpEstablished: tcpEstablished,
                    fileLocks: fileLocks, export: export.map(Paths.absolute)
                ).container
                Console.line(id)
            }
        }
    }
}
