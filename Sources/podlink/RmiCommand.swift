import ArgumentParser
import PodlinkAPI

/// `podlink rmi`
struct RmiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmi",
        abstract: "Remove images.",
        discussion: "A name of an image that has other names is only untagged, as podman does, unless --force.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Remove images used by containers, and those containers.") var force = false
    @Argument(help: "Images, by name or id.") var images: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(images) { name in
                let image = try await client.getImage(id: name).image
                let tagged = image.names.first { $0 == name || $0 == name + ":latest" || $0.hasSuffix("/" + name) }
                if !force, image.names.count > 1, let tagged {
                    _ = try await client.untagImage(name: image.id, tag: tagged)
                    Console.line("Untagged: \(tagged)")
                    return
                }
                let id = try await client.removeImage(name: image.id, force: force).image
                for name in image.names { Console.line("Untagged: \(name)") }
                Console.line("Deleted: \(id)")
            }
        }
    }
}
