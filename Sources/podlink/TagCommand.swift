import ArgumentParser
import PodlinkAPI

/// `podlink tag`
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Add names to an image.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The image, by name or id.") var image: String
    @Argument(help: "The new names (repository[:tag]).") var names: [String]

    func run() async throws {
        try await global.withClient { client in
            try await Targets.each(names) { name in _ = try await client.tagImage(name: image, tagged: name) }
        }
    }
}
