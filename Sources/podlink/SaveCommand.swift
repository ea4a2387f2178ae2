import ArgumentParser
import PodlinkAPI

/// `podlink save`
struct SaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save an image to an archive.",
        discussion: "The service writes the file on its host; a relative path is made absolute here first.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: ArgumentHelp("The archive to write (a new file).", valueName: "file"))
    var output: String
    @Option(help: ArgumentHelp("oci-archive or docker-archive (the default).", valueName: "format"))
    var format = "docker-archive"
    @Argument(help: "The image, by name or id.") var image: String

    func run() async throws {
        let kind: IoPodlink.SaveImage.Parameters.Format
        switch format {
        case "oci-archive": kind = .ociArchive
        case "docker-archive": kind = .dockerArchive
        default: throw ValidationError("--format must be oci-archive or docker-archive")
        }
        let path = Paths.absolute(output)
        try await global.withClient { client in
            _ = try await client.saveImage(name: image, format: kind, outputFile: path)
        }
    }
}
