import ArgumentParser
import PodlinkAPI

/// `podlink container restore`
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore checkpointed containers: their processes go on where they were.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep the checkpoint's images after the restore.") var keep = false
    @Flag(help: "Restore established TCP connections (checkpointed with --tcp-established).") var tcpEstablished = false
    @Option(name: .shortAndLong, help: "Make the container from a checkpoint archive (on the service's host).")
    var `import`: String?
    @Option(name: .shortAndLong, help: "With --import, the new container's name.") var name: String?
    @Argument(help: "Containers, by name or id.") var containers: [String] = []

    func validate() throws {
        if `import` == nil && containers.isEmpty { throw ValidationError("Give containers, or --import.") }
        if `import` != nil && !containers.isEmpty { throw ValidationError("--import takes no container.") }
        if name != nil && `import` == nil { throw ValidationError("--name goes with --import.") }
    }

    func run() async throws {
        if let archive = `import` {
            let id = try await global.withClient { client in
                try await client.restoreContainer(
                    name: "", keep: keep, tcpEstablished: tcpEstablished, import: Paths.absolute(archive),
                    newName: name
                ).container
            }
            Console.line(id)
            return
        }
        try await global.withClient { client in
            try await Targets.each(containers) { name in
                let id = try await client.restoreContainer(name: name, keep: keep, tcpEstablished: tcpEstablished)
                    .container
                Console.line(id)
            }
        }
    }
}
