import ArgumentParser
import PodlinkAPI

/// `podlink mount`
struct MountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mount",
        abstract: "Mount containers' root filesystems and print where; without containers, list the mounted ones.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Do not shorten ids.") var noTrunc = false
    @Argument(help: "Containers, by name or id.") var containers: [String] = []

    func run() async throws {
        try await global.withClient { client in
            if containers.isEmpty {
                let mounts = try await client.listContainerMounts().mounts
                for (id, path) in mounts.sorted(by: { $0.key < $1.key }) {
                    Console.line((noTrunc ? id : String(id.prefix(12))) + " " + path)
                }
                return
            }
            try await Targets.each(containers) { name in Console.line(try await client.mountContainer(name: name).path)
            }
        }
    }
}
