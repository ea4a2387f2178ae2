import ArgumentParser
import PodlinkAPI
import Varlink

/// `podlink save`
struct SaveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save an image to an archive.",
        discussion: "The archive comes over the connection and is written here.")

    @OptionGroup var global: GlobalOptions
    @Option(
        name: .shortAndLong, help: ArgumentHelp("The archive to write (default: standard output).", valueName: "file"))
    var output: String?
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
        try await Transfers.download(global, to: output) { client in
            try await client.saveImage(name: image, format: kind, .upgrade).1
        }
    }
}
