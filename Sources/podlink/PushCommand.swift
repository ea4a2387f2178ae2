import ArgumentParser
import Glibc
import PodlinkAPI
import Varlink

/// `podlink push`
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push an image to a registry.",
        discussion: "Pushed as it came (the same digests), to DESTINATION or to the registry the image's name gives.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var registry: RegistryAccessOptions
    @Flag(name: .shortAndLong, help: "Print nothing but the digest.") var quiet = false
    @Option(help: ArgumentHelp("Write the pushed manifest's digest to this file.", valueName: "file"))
    var digestfile: String?
    @Argument(help: "The image, by name or id.") var image: String
    @Argument(help: "Where to: HOST[:PORT]/NAME[:TAG] (default: the image's name).") var destination: String?

    func run() async throws {
        let bars = TransferBars(verb: "Copying")
        let digest = try await global.withClient { client in
            var digest = ""
            for try await reply in client.pushImage(
                name: image, destination: destination, access: registry.access, .more)
            {
                if let progress = reply.progress, !quiet { bars.update(progress) }
                if let value = reply.digest { digest = value }
            }
            return digest
        }
        if let digestfile {
            guard let file = fopen(Paths.absolute(digestfile), "w") else {
                throw CLIError("cannot write \(digestfile)")
            }
            fputs(digest, file)
            fclose(file)
        }
        if quiet { Console.line(digest) }
    }
}
