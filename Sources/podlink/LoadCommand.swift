import ArgumentParser
import PodlinkAPI

/// `podlink load`
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load images from an OCI layout directory, an oci-archive or a docker-archive.",
        discussion: "The input is read by the service on its host; a relative path is made absolute here first.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("The directory or archive to load.", valueName: "path")) var input:
        String
    @Argument(help: "A name (repository[:tag]) for the loaded image.") var name: String?

    func run() async throws {
        let path = Paths.absolute(input)
        let ids = try await global.withClient { client in
            try await Progress.run("Loading \(path)", done: { "Loaded \($0.count) image(s)" }) {
                try await client.loadImage(name: name, inputFile: path).images
            }
        }
        for id in ids { Console.line("Loaded image: \(id)") }
    }
}
