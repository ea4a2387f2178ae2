import ArgumentParser
import PodlinkAPI

/// `podlink container restore`
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore checkpointed containers: their processes go on where they were.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep the checkpoint's images after the restore.") var keep = false
    @Flag(help: "Restore established TCP connections (checkpointed with --tcp-established).") var tcpEstablished = false
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                let id = try await client.restoreContainer(name: name, keep: keep, tcpEstablished: tcpEstablished)
                    .container
                Console.line(id)
            }
        }
    }
}
