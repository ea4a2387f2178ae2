import ArgumentParser
import PodlinkAPI

/// `podlink load`
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load images from an OCI layout directory, an oci-archive or a docker-archive.",
        discussion: "The input is read here and sent over the connection; a directory is sent as a tar of it.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("The directory or archive to load (default: standard input).", valueName: "path"))
    var input: String?
    @Flag(name: .shortAndLong, help: "Print only the loaded images' ids.") var quiet = false
    @Argument(help: "A name (repository[:tag]) for the loaded image.") var name: String?

    func run() async throws {
        let load = {
            let upload = try await Transfers.upload(global, path: input)
            return try await global.withClient { client in try await client.loadImage(name: name, upload: upload).images
            }
        }
        let ids =
            try await quiet
            ? load()
            : Progress.run("Loading \(input ?? "standard input")", done: { "Loaded \($0.count) image(s)" }, load)
        for id in ids { Console.line(quiet ? id : "Loaded image: \(id)") }
    }
}
