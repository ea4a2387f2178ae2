import ArgumentParser
import PodlinkAPI

/// `podlink untag`
struct UntagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "untag", abstract: "Remove names from an image.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The image, by name or id.") var image: String
    @Argument(help: "The names to remove.") var names: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(names) { name in _ = try await client.untagImage(name: image, tag: name) }
        }
    }
}
