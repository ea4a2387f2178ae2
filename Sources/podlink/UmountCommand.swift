import ArgumentParser
import PodlinkAPI

/// `podlink umount`
struct UmountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umount", abstract: "Release a mount of containers' root filesystems.", aliases: ["unmount"])

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Release every mount but the runtime's own.") var force = false
    @Argument(help: "Containers, by name or id.") var containers: [String]

    func run() async throws {
        try await global.eachTarget(containers) { client, name in
            _ = try await client.unmountContainer(name: name, force: force)
        }
    }
}
